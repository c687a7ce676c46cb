"""Scenario 8: 100 short ads at once, 2 replicas per stage (CHAOS_FULL=1): all complete, none lost.

Each is a 22 s 720p pharmaceutical ad with every stage and the statement's checks. On 2 cores the stack ended
100 of them in 45 minutes (2.2 a minute: the keyless clip maker's and the composers' ffmpeg, then the
one-request-at-a-time DynamoDB emulator, hold the CPU). The deadline is the bound past which a job counts as
lost, not a throughput target: the scenario prints its throughput and backlog curve for that.
"""

from __future__ import annotations

import pytest

from bench.load_bench import report, run_load
from tests.harness.fakes import FakeProviders
from tests.harness.stack import RunningStack

LOST_AFTER_S = 60 * 60

pytestmark = [pytest.mark.chaos, pytest.mark.chaos_full]


def test_a_hundred_jobs_at_once_all_complete(chaos_stack: RunningStack, calm: FakeProviders) -> None:
    result = run_load(chaos_stack, jobs=100, timeout_s=LOST_AFTER_S)

    print("\n" + report(result))
    assert result.lost == 0
    assert result.statuses["completed"] == 100

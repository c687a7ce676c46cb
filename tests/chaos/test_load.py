"""Scenario 8: 100 tiny ads at once, 2 replicas per stage (CHAOS_FULL=1): all complete, none lost."""

from __future__ import annotations

import pytest

from bench.load_bench import report, run_load
from tests.harness.fakes import FakeProviders
from tests.harness.stack import RunningStack

pytestmark = [pytest.mark.chaos, pytest.mark.chaos_full]


def test_a_hundred_jobs_at_once_all_complete(chaos_stack: RunningStack, calm: FakeProviders) -> None:
    result = run_load(chaos_stack, jobs=100, timeout_s=3600)

    print("\n" + report(result))
    assert result.lost == 0
    assert result.statuses["completed"] == 100

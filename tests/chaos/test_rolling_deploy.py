"""Scenario 6: SIGTERM every stage worker, one after another, while jobs run (a rolling deploy).

A terminated worker stops receiving, finishes or hands back its work within the grace period,
and the launcher starts a replacement. All jobs complete, and nothing is paid for twice.
"""

from __future__ import annotations

import signal
import time

import pytest

from tests.chaos.conftest import FULL, brief
from tests.chaos.expectations import expected_calls, paid_calls
from tests.harness.fakes import FakeProviders
from tests.harness.observe import completions_per_stage, kill, restarts, service_pids, submit, wait_all
from tests.harness.stack import RunningStack

pytestmark = [pytest.mark.chaos, pytest.mark.chaos_full]


def test_a_rolling_restart_of_every_worker_loses_no_job(chaos_stack: RunningStack, calm: FakeProviders) -> None:
    jobs = 6 if FULL else 3
    started = time.monotonic()
    restarts_before = restarts(chaos_stack)
    job_ids = [submit(chaos_stack, brief()) for _ in range(jobs)]
    time.sleep(2)  # the jobs a little way in before the restarts begin (pacing of the fault, not a wait)
    terminated = []
    for pid, stage_name in sorted(service_pids(chaos_stack).items(), key=lambda item: item[1]):
        if kill(pid, signal.SIGTERM):
            terminated.append(f"{stage_name}:{pid}")
        time.sleep(1.5)  # the rolling cadence: one service every 1.5 s (pacing of the fault, not a wait)
    ended = wait_all(chaos_stack, job_ids, timeout_s=400)

    print(f"\nchaos.rolling jobs={jobs} terminated={len(terminated)} elapsed_s={time.monotonic() - started:.1f}")
    assert {j: e["status"] for j, e in ended.items()} == dict.fromkeys(job_ids, "completed")
    assert restarts(chaos_stack) - restarts_before >= len(terminated)
    assert paid_calls(calm.stats()) == expected_calls(chaos_stack, job_ids)
    composed = completions_per_stage(chaos_stack, job_ids)
    assert all(composed[(j, "composer")] == 1 for j in job_ids), composed

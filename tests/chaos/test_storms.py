"""Scenario 5: 429 and 5xx storms and slow answers from both providers; jobs still finish within their timeouts."""

from __future__ import annotations

import time

import pytest

from shared.topology import stage
from tests.chaos.conftest import FULL, brief
from tests.harness.fakes import FakeProviders
from tests.harness.observe import submit, wait_all
from tests.harness.stack import RunningStack

pytestmark = [pytest.mark.chaos, pytest.mark.chaos_full]


def test_jobs_complete_through_throttling_errors_and_slow_predictions(
    chaos_stack: RunningStack, calm: FakeProviders
) -> None:
    jobs = 4 if FULL else 2
    calm.configure(
        replicate={"throttle_next_creates": 8, "retry_after_s": 1.0, "error_next_creates": 4, "latency_s": 3.0},
        openai={"throttle_next": 6, "retry_after_s": 1.0, "error_next": 4},
    )
    started = time.monotonic()
    job_ids = [submit(chaos_stack, brief()) for _ in range(jobs)]
    ended = wait_all(chaos_stack, job_ids, timeout_s=400)
    elapsed_s = time.monotonic() - started

    print(f"\nchaos.storms jobs={jobs} elapsed_s={elapsed_s:.1f} stats={calm.stats()}")
    assert {j: e["status"] for j, e in ended.items()} == dict.fromkeys(job_ids, "completed")
    for job in ended.values():
        for name, state in job["stages"].items():
            assert state["finished_at"] - state["started_at"] < stage(name).attempt_timeout_s

"""Killing the narration worker mid-job does not re-pay speech: each spoken segment is checkpointed."""

from __future__ import annotations

import time

import pytest

from tests.chaos.conftest import brief
from tests.chaos.expectations import expected_calls, paid_calls
from tests.chaos.harness import FakeProviders, kill, running_owners, service_pids, submit, wait_all
from tests.stack_harness import RunningStack

pytestmark = [pytest.mark.chaos, pytest.mark.chaos_full]


def test_a_killed_narration_worker_does_not_repay_speech(chaos_stack: RunningStack, calm: FakeProviders) -> None:
    job_id = submit(chaos_stack, brief())
    deadline = time.monotonic() + 90
    while not (busy := [b for b in running_owners(chaos_stack, [job_id]) if b[1] == "narration"]):
        assert time.monotonic() < deadline
        time.sleep(0.2)
    while calm.stats()["tts"] < 1:  # at least one segment spoken (paid) before the crash
        time.sleep(0.1)
    assert busy[0][2] in service_pids(chaos_stack)
    kill(busy[0][2])

    job = wait_all(chaos_stack, [job_id], timeout_s=180)[job_id]

    assert job["status"] == "completed"
    assert paid_calls(calm.stats()) == expected_calls(chaos_stack, [job_id])

"""Killing the narration worker mid-job re-pays no saved speech: each spoken segment is checkpointed.

A speech request is synchronous and paid when it is made, so only what was in flight at the
moment of the kill (spoken, not yet saved) may be asked for again.
"""

from __future__ import annotations

import time

import pytest

from tests.chaos.conftest import brief
from tests.chaos.expectations import MODELS, expected_calls, paid_calls, script_of
from tests.harness.fakes import FakeProviders
from tests.harness.observe import kill, ledger_job, running_owners, service_pids, submit, wait_all
from tests.harness.processes import wait_for
from tests.harness.stack import RunningStack

pytestmark = [pytest.mark.chaos, pytest.mark.chaos_full]


def _saved_segments(stack: RunningStack, job_id: str) -> int:
    checkpoints = ledger_job(stack, job_id).get("stages", {}).get("narration", {}).get("checkpoints", {})
    return sum(1 for key in checkpoints if key.startswith("segment-"))


def test_a_killed_narration_worker_does_not_repay_saved_speech(chaos_stack: RunningStack, calm: FakeProviders) -> None:
    speech = MODELS.narration_model
    calm.configure(replicate={"latency_by_model": {speech: 1.0}})  # slow enough to catch the worker between lines
    job_id = submit(chaos_stack, brief())
    deadline = time.monotonic() + 90
    while not (busy := [b for b in running_owners(chaos_stack, [job_id]) if b[1] == "narration"]):
        assert time.monotonic() < deadline
        time.sleep(0.2)
    while _saved_segments(chaos_stack, job_id) < 1:  # at least one segment spoken and saved
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert busy[0][2] in service_pids(chaos_stack)
    kill(busy[0][2])
    saved = _saved_segments(chaos_stack, job_id)
    # The fake counts a request when it answers: wait for the killed worker's request in flight to be answered
    # (≤ 1 s); the replacement claims only once the 4 s lease has run out, so it has asked nothing yet.
    wait_for(
        lambda: calm.speech_in_flight() == 0, timeout_s=30, what="the killed worker's speech answered", every_s=0.05
    )
    spoken_before = calm.spoken_texts()

    job = wait_all(chaos_stack, [job_id], timeout_s=180)[job_id]

    assert job["status"] == "completed"
    segments = sorted(script_of(chaos_stack, job_id)["narration"], key=lambda segment: segment["start_s"])
    spoken_after = calm.spoken_texts()
    for segment in segments[:saved]:
        assert spoken_after[segment["text"]] == spoken_before[segment["text"]], "a saved segment was paid again"
    for segment in segments:
        assert spoken_after[segment["text"]] >= 1
    others = {k: v for k, v in paid_calls(calm.stats()).items() if k != speech}
    assert others == {k: v for k, v in expected_calls(chaos_stack, [job_id]).items() if k != speech}

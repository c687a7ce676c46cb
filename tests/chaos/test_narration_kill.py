"""Killing the narration worker mid-job re-pays no saved speech: each spoken take is checkpointed.

A take is one text at one speed (a line may be spoken twice: at the script's speed, then once at a
corrected calm pace). A prediction's id is checkpointed as soon as it is created, so the replacement
polls what was in flight instead of paying for it again; no saved take is ever asked for twice.
"""

from __future__ import annotations

import json
import time
from collections import Counter

import pytest

from services.narration.handler import TAKE_PREFIX
from shared.statement import speakable
from tests.chaos.conftest import brief
from tests.chaos.expectations import MODELS, expected_calls, paid_calls, script_of
from tests.harness.fakes import FakeProviders
from tests.harness.observe import kill, ledger_job, running_owners, service_pids, submit, wait_all
from tests.harness.stack import RunningStack

pytestmark = [pytest.mark.chaos, pytest.mark.chaos_full]


def _saved_takes(stack: RunningStack, job_id: str) -> set[tuple[str, float]]:
    """The takes the ledger holds as spoken and stored: (text, speed)."""
    checkpoints = ledger_job(stack, job_id).get("stages", {}).get("narration", {}).get("checkpoints", {})
    notes = [json.loads(value) for key, value in checkpoints.items() if key.startswith(TAKE_PREFIX)]
    return {(speakable(note["text"]), round(note["speed"], 6)) for note in notes}  # as the model was asked


def test_a_killed_narration_worker_does_not_repay_saved_speech(chaos_stack: RunningStack, calm: FakeProviders) -> None:
    speech = MODELS.narration_model
    calm.configure(replicate={"latency_by_model": {speech: 1.0}})  # slow enough to catch the worker between lines
    job_id = submit(chaos_stack, brief())
    deadline = time.monotonic() + 90
    while not (busy := [b for b in running_owners(chaos_stack, [job_id]) if b[1] == "narration"]):
        assert time.monotonic() < deadline
        time.sleep(0.2)
    while not _saved_takes(chaos_stack, job_id):  # at least one take spoken and saved
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert busy[0][2] in service_pids(chaos_stack)
    kill(busy[0][2])
    saved = _saved_takes(chaos_stack, job_id)
    # The replacement claims only once the 4 s lease has run out, so it has asked nothing yet.
    spoken_before = calm.spoken_takes()
    assert all(spoken_before[take] == 1 for take in saved)

    job = wait_all(chaos_stack, [job_id], timeout_s=180)[job_id]

    assert job["status"] == "completed"
    spoken_after = calm.spoken_takes()
    for take in saved:
        assert spoken_after[take] == 1, f"a saved take was paid again: {take}"
    assert set(spoken_after) >= _saved_takes(chaos_stack, job_id)
    spoken_texts = {text for text, _ in spoken_after}
    for segment in script_of(chaos_stack, job_id)["narration"]:
        assert speakable(segment["text"]) in spoken_texts
    others = Counter({k: v for k, v in paid_calls(calm.stats()).items() if k != speech})
    assert others == Counter({k: v for k, v in expected_calls(chaos_stack, [job_id]).items() if k != speech})

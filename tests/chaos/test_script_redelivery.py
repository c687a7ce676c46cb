"""A redelivered script message polls the prediction already paid for: the script is never paid twice.

The script worker is killed while its (slow) prediction runs; the message comes back after the
lease, the replacement worker finds the prediction id in the stage's checkpoints, polls it, and the
job completes with exactly one script prediction.
"""

from __future__ import annotations

import time

import pytest

from tests.chaos.conftest import brief
from tests.chaos.expectations import MODELS, expected_calls, paid_calls
from tests.harness.fakes import FakeProviders
from tests.harness.observe import kill, ledger_job, running_owners, service_pids, submit, wait_all
from tests.harness.stack import RunningStack

pytestmark = [pytest.mark.chaos]


def _script_prediction(stack: RunningStack, job_id: str) -> str | None:
    checkpoints = ledger_job(stack, job_id).get("stages", {}).get("script", {}).get("checkpoints", {})
    return checkpoints.get("prediction-script-0") or None


def test_a_redelivered_script_message_makes_no_second_prediction(
    chaos_stack: RunningStack, calm: FakeProviders
) -> None:
    calm.configure(replicate={"latency_by_model": {MODELS.script_model: 6.0}})
    job_id = submit(chaos_stack, brief())
    deadline = time.monotonic() + 60
    while not (prediction := _script_prediction(chaos_stack, job_id)):  # paid for and checkpointed
        assert time.monotonic() < deadline, "the script prediction was never checkpointed"
        time.sleep(0.05)
    (owner,) = [pid for job, stage_name, pid in running_owners(chaos_stack, [job_id]) if stage_name == "script"]
    assert owner in service_pids(chaos_stack)
    assert kill(owner)

    job = wait_all(chaos_stack, [job_id], timeout_s=180)[job_id]

    assert job["status"] == "completed", job
    assert paid_calls(calm.stats())[MODELS.script_model] == 1
    assert _script_prediction(chaos_stack, job_id) == prediction
    assert paid_calls(calm.stats()) == expected_calls(chaos_stack, [job_id])

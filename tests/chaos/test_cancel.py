"""Scenario 7: cancel a job while its clips render: paid work stops, the running prediction is cancelled."""

from __future__ import annotations

import time

import pytest

from tests.chaos.conftest import brief
from tests.harness.fakes import FakeProviders
from tests.harness.observe import held_stages, ledger_job, submit, wait_all
from tests.harness.processes import wait_for
from tests.harness.stack import RunningStack

pytestmark = pytest.mark.chaos
VEO = "google/veo-3.1"


def test_cancelling_during_clips_cancels_the_prediction_and_ends_the_job(
    chaos_stack: RunningStack, calm: FakeProviders
) -> None:
    calm.configure(replicate={"latency_by_model": {VEO: 60.0}})
    # Chain continuity: one scene at a time, so exactly one prediction is running when the cancel lands.
    job_id = submit(chaos_stack, brief(duration_s=26, continuity="chain"))
    wait_for(
        lambda: any(
            unit.get("checkpoints")
            for unit in ledger_job(chaos_stack, job_id).get("stages", {}).get("clips", {}).get("scenes", {}).values()
        ),
        timeout_s=90,
        what="clips checkpointed a prediction",
    )

    asked = time.monotonic()
    with chaos_stack.client() as client:
        assert client.post(f"/api/v1/jobs/{job_id}/cancel").status_code == 200
    while calm.stats()["cancels"] == 0 and time.monotonic() - asked < 30:
        time.sleep(0.3)
    cancelled_after_s = time.monotonic() - asked
    # Until no worker holds a stage of the job: one that missed the cancel would start another scene first.
    wait_for(lambda: not held_stages(chaos_stack, job_id), timeout_s=60, what="every stage let go")

    job = wait_all(chaos_stack, [job_id], timeout_s=30)[job_id]
    stats = calm.stats()
    print(f"\nchaos.cancel prediction_cancelled_after_s={cancelled_after_s:.1f} creates={stats}")
    assert job["status"] == "cancelled"
    assert stats["cancels"] >= 1
    assert stats[VEO] == 1
    assert job["stages"]["composer"]["status"] == "pending"

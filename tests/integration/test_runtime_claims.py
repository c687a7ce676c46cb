"""At-least-once delivery made safe by the ledger's conditional claim: one run per stage, duplicates re-announce."""

from __future__ import annotations

import asyncio

import pytest

from shared.config import Settings
from shared.delivery import Delivery
from shared.events import Event, dump_event, make_event
from shared.payloads import ScriptCompletedPayload
from shared.stage import StageContext, StageResult
from shared.topology import stage
from tests.harness.runtime import Harness, harness, isolated_settings, running

pytestmark = pytest.mark.integration


class CountingScript:
    """A script handler that counts its runs and takes a moment, so concurrent deliveries overlap."""

    def __init__(self, duration_s: float = 0.0) -> None:
        self.runs = 0
        self.duration_s = duration_s

    async def __call__(self, event: Event, ctx: StageContext) -> StageResult:
        self.runs += 1
        await asyncio.sleep(self.duration_s)
        payload = ScriptCompletedPayload(script_key="s.json", duration_s=30, scene_count=4, needs_narration=True)
        return StageResult("script.completed", payload)


async def test_two_deliveries_of_one_event_to_two_owners_run_the_handler_once(settings: Settings):
    # A long lease, so the loser sees a live owner however slow the machine is, and acks.
    async with harness(isolated_settings(settings, lease_s=10.0, heartbeat_every_s=2.0)) as h:
        job = await h.new_job()
        queue = await h.stage_queue("script")
        await h.submit(job)
        await queue.send(dump_event(await _submitted(h, job.job_id)), event_type="job.submitted")
        messages = await queue.receive(max_messages=2, wait_s=1)
        handler = CountingScript(duration_s=0.3)
        first, second = (Delivery(stage("script"), handler, h.conn, queue, owner=f"owner-{n}") for n in (1, 2))

        await asyncio.gather(first.handle(messages[0]), second.handle(messages[1]))

        assert len(messages) == 2
        assert handler.runs == 1
        assert (await h.job(job.job_id)).stage("script").status == "succeeded"
        assert await h.depth(queue) == (0, 0)


async def _submitted(h: Harness, job_id: str) -> Event:
    job = await h.job(job_id)
    return make_event("job.submitted", job_id=job.job_id, user_id=job.user_id)


async def test_a_duplicate_delivery_republishes_the_same_completion_event_without_rerunning(settings: Settings):
    async with harness(isolated_settings(settings)) as h:
        handler = CountingScript()
        job = await h.new_job()
        async with running(h.conn, "script", handler):
            await h.submit(job)
            await h.wait_job(job.job_id, lambda j: j.stage("script").status == "succeeded")

            await h.submit(job)
            seen = await h.probe_events(lambda events: sum(e.event_type == "script.completed" for e in events) == 2)

        completed = [e for e in seen if e.event_type == "script.completed"]
        assert handler.runs == 1
        assert completed[0].event_id == completed[1].event_id
        assert completed[0] == completed[1]


async def test_a_message_back_from_a_silent_owner_waits_out_its_lease_and_then_resumes_the_stage(settings: Settings):
    async with harness(isolated_settings(settings)) as h:
        handler = CountingScript()
        job = await h.new_job()
        # An owner that claimed the stage and then died: its lease runs out in half a second.
        await h.conn.ledger.claim_stage(job.job_id, "script", owner="dead-owner", lease_s=0.5)
        async with running(h.conn, "script", handler):
            await h.submit(job)

            done = await h.wait_job(job.job_id, lambda j: j.stage("script").status == "succeeded")

        assert handler.runs == 1
        assert done.stage("script").attempts == 2
        assert done.stage("script").owner != "dead-owner"


async def test_a_duplicate_of_work_a_live_owner_holds_is_acked_without_running(settings: Settings):
    fast = isolated_settings(settings)
    async with harness(fast) as h:
        handler = CountingScript()
        job = await h.new_job()
        await h.conn.ledger.claim_stage(job.job_id, "script", owner="live-owner", lease_s=60)
        queue = await h.stage_queue("script")
        await h.submit(job)
        [message] = await queue.receive(max_messages=1, wait_s=1)

        await Delivery(stage("script"), handler, h.conn, queue, owner="other").handle(message)

        assert handler.runs == 0
        assert await h.depth(queue) == (0, 0)
        assert (await h.job(job.job_id)).stage("script").owner == "live-owner"

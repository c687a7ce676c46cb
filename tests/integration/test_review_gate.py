"""The review gate on the emulator: paid stages refused while it is closed, the job awaiting approval once the
work before it is done, an approval whose gateway died before publishing released by the outbox relay, and an
unapproved job expired by the relay with its place given back."""

from __future__ import annotations

import asyncio
import time

import pytest

from shared.config import Settings
from shared.delivery import Delivery
from shared.events import Event, dump_event, make_event
from shared.job import Job
from shared.ledger.outbox import APPROVED
from shared.outbox_relay import expire_unapproved, relay_once
from shared.payloads import ScriptCompletedPayload
from shared.request import AdRequest
from shared.stage import StageContext, StageResult
from shared.topology import PRE_GATE_STAGES, RELEASE_EVENTS, stage
from tests.harness.runtime import Harness, harness, isolated_settings

pytestmark = pytest.mark.integration

PRE_GATE = tuple(s.name for s in PRE_GATE_STAGES)


async def review_job(h: Harness, user_id: str = "u-review") -> Job:
    job_id = f"job-{time.monotonic_ns()}"
    job, _ = await h.conn.ledger.create_job(
        job_id=job_id, user_id=user_id, correlation_id=job_id, max_active=1,
        request=AdRequest(brief="A calm morning spot for a review test.", review=True),
    )  # fmt: skip
    return job


async def finish_pre_gate(h: Harness, job: Job) -> None:
    """The script and keyframes stages done, each with a completion event recorded."""
    for name in PRE_GATE:
        claim = await h.conn.ledger.claim_stage(job.job_id, name, owner="test", lease_s=60)
        assert claim.granted, claim.kind
        event = make_event(
            f"{name}.completed",
            job_id=job.job_id,
            user_id=job.user_id,
            payload=ScriptCompletedPayload(script_key="k", duration_s=30, scene_count=1, needs_narration=True)
            if name == "script"
            else {"hero_key": "h", "keyframe_keys": ["a", "b"], "continuity": "keyframes"},
        )
        recorded = await h.conn.ledger.complete_stage(
            job.job_id, name, owner="test", event_json=event.model_dump_json(), cost_usd=0.1
        )
        assert recorded


async def test_paid_stages_wait_for_approval_and_a_lost_release_is_made_by_the_relay(settings: Settings) -> None:
    async with harness(isolated_settings(settings)) as h:
        job = await review_job(h)
        ledger = h.conn.ledger

        refused = await ledger.claim_stage(job.job_id, "narration", owner="t", lease_s=60, after_approval=True)
        assert refused.kind == "gated"
        assert await ledger.gate.reach(job.job_id, PRE_GATE) is None  # the work before the gate is not done
        await finish_pre_gate(h, job)
        refused = await ledger.claim_stage(
            job.job_id, "narration", owner="t", lease_s=60, requires=("script",), after_approval=True
        )
        assert refused.kind == "gated"  # everything it requires is done: only the gate holds it

        waiting = await ledger.gate.reach(job.job_id, PRE_GATE)
        assert waiting is not None
        assert waiting.status == "awaiting_approval"
        assert await ledger.gate.reach(job.job_id, PRE_GATE) is None  # once

        # The gateway approves, then dies before publishing: the job owes the release in its outbox mark.
        approved = await ledger.gate.approve(job.job_id)
        assert approved is not None
        assert (approved.gate, approved.status) == ("open", "running")
        assert await ledger.gate.approve(job.job_id) is None  # a second approval changes nothing
        assert [j.job_id for j in await ledger.outbox.pending(created_before="9", mark=APPROVED)] == [job.job_id]
        assert await relay_once(ledger, h.conn.bus, grace_s=0.0) >= 1
        released = await h.probe_events(lambda seen: {e.event_type for e in seen} >= set(RELEASE_EVENTS))
        assert {e.event_type for e in released if e.job_id == job.job_id} == set(RELEASE_EVENTS)
        assert await ledger.outbox.pending(created_before="9", mark=APPROVED) == []  # cleared

        granted = await ledger.claim_stage(
            job.job_id, "narration", owner="t", lease_s=60, requires=("script",), after_approval=True
        )
        assert granted.granted


async def test_an_unapproved_job_expires_and_gives_its_place_back(settings: Settings) -> None:
    async with harness(isolated_settings(settings)) as h:
        ledger = h.conn.ledger
        job = await review_job(h, "u-expiry")
        await finish_pre_gate(h, job)
        assert await ledger.gate.reach(job.job_id, PRE_GATE) is not None

        assert await expire_unapproved(ledger, h.conn.bus, expiry_s=3600) == 0  # not yet
        assert await ledger.active.take("u-expiry", cap=1) is False  # its one place is taken
        await asyncio.sleep(0.2)
        assert await expire_unapproved(ledger, h.conn.bus, expiry_s=0.1) == 1

        expired = await h.job(job.job_id)
        assert expired.status == "cancelled"
        assert expired.expired_at is not None
        assert await ledger.gate.approve(job.job_id) is None  # too late to approve
        cancelled = await h.probe_events(lambda seen: any(e.event_type == "job.cancelled" for e in seen))
        assert any(e.job_id == job.job_id for e in cancelled if e.event_type == "job.cancelled")
        assert await ledger.active.take("u-expiry", cap=1) is True  # the place came back
        assert job.job_id not in [j.job_id for j in await ledger.outbox.waiting_since_before(time.time())]


class NeverRuns:
    """A keyframes handler that must not run (its stage is done): counts if it does."""

    def __init__(self) -> None:
        self.runs = 0

    async def __call__(self, event: Event, ctx: StageContext) -> StageResult:
        self.runs += 1
        raise AssertionError("a done stage ran again")


async def test_a_worker_that_died_before_announcing_the_gate_is_covered_by_the_redelivery(settings: Settings) -> None:
    async with harness(isolated_settings(settings)) as h:
        job = await review_job(h, user_id="u-announce")
        await finish_pre_gate(h, job)
        # The keyframes worker moved the job to its gate, then died before publishing job.awaiting_approval.
        assert await h.conn.ledger.gate.reach(job.job_id, PRE_GATE) is not None
        queue = await h.stage_queue("keyframes")
        written = ScriptCompletedPayload(script_key="k", duration_s=30, scene_count=1, needs_narration=True)
        trigger = make_event("script.completed", job_id=job.job_id, user_id=job.user_id, payload=written)
        await queue.send(dump_event(trigger), event_type="script.completed")
        (message,) = await queue.receive(max_messages=1, wait_s=2)
        handler = NeverRuns()

        await Delivery(stage("keyframes"), handler, h.conn, queue, owner="o").handle(message)

        seen = await h.probe_events(lambda events: any(e.event_type == "job.awaiting_approval" for e in events))
        announced = [e for e in seen if e.event_type == "job.awaiting_approval" and e.job_id == job.job_id]
        assert len(announced) == 1
        assert announced[0].event_id == f"{job.job_id}:job.awaiting_approval:0"  # what the first attempt would send
        assert handler.runs == 0  # nothing paid again
        assert (await h.job(job.job_id)).status == "awaiting_approval"
        assert await h.depth(queue) == (0, 0)

"""A job's next version on the real emulator: one transaction, one version per key or race, stale deliveries dropped."""

from __future__ import annotations

import asyncio

import pytest

from shared.config import Settings
from shared.delivery import Delivery
from shared.events import Event, dump_event, make_event
from shared.job import Job
from shared.ledger import IdempotencyConflict, RevisionRefused
from shared.ledger.usage import read_usage
from shared.payloads import ScriptCompletedPayload
from shared.stage import StageContext, StageResult
from shared.topology import JOB_STAGES, PRE_GATE_STAGES, stage
from shared.versions import Redo
from tests.harness.runtime import Harness, harness, isolated_settings

pytestmark = pytest.mark.integration

REDO = Redo(scenes=[1], narration_segments=[], music=False)
PRE_GATE_NAMES = tuple(s.name for s in PRE_GATE_STAGES)


async def _finish(h: Harness, job: Job, *, cost_per_stage: float = 0.5) -> Job:
    """Runs the job's stages through the ledger as workers would (claim, checkpoint, record), to completion;
    a reviewed job's gate is reached and approved once the stages before it are done."""
    for declared in JOB_STAGES:
        if declared.after_approval and (await h.job(job.job_id)).gate_closed:
            assert await h.conn.ledger.gate.reach(job.job_id, PRE_GATE_NAMES) is not None
            assert await h.conn.ledger.gate.approve(job.job_id) is not None
        claim = await h.conn.ledger.claim_stage(
            job.job_id, declared.name, owner="w", lease_s=30, requires=declared.requires,
            job_status=declared.job_status_while_running, version=job.version, after_approval=declared.after_approval,
        )  # fmt: skip
        assert claim.granted, claim.kind
        await h.conn.ledger.put_checkpoint(job.job_id, declared.name, owner="w", key=f"{declared.name}@abc", value="v")
        await h.conn.ledger.put_checkpoint(job.job_id, declared.name, owner="w", key="p:failures", value="2")
        payload = _payload(declared.name)
        event = make_event(declared.publishes[0], job_id=job.job_id, user_id=job.user_id, payload=payload,
                           version=job.version)  # fmt: skip
        if declared.completes_job:
            current = await h.job(job.job_id)
            assert await h.conn.ledger.complete_job(
                current, declared.name, owner="w", job_status=declared.job_status_while_running,
                event_json=event.model_dump_json(), stage_cost_usd=cost_per_stage,
                outputs={"video_key": f"final-v{job.version}.mp4"}, video_duration_s=30.0,
            )  # fmt: skip
        else:
            assert await h.conn.ledger.complete_stage(
                job.job_id, declared.name, owner="w", event_json=event.model_dump_json(), cost_usd=cost_per_stage
            )
    return await h.job(job.job_id)


def _payload(stage_name: str) -> dict[str, object] | None:
    payloads: dict[str, dict[str, object]] = {
        "script": {"script_key": "s.json", "duration_s": 30, "scene_count": 3, "needs_narration": True},
        "keyframes": {"hero_key": "h.png", "keyframe_keys": ["k0.png"], "continuity": "chain"},
        "narration": {"audio_key": "n.mp3", "timings_key": "t.json", "duration_s": 30},
        "clips": {"clip_keys": ["c0"], "duration_s": 30},
        "music": {"audio_key": "m.mp3", "duration_s": 30},
        "composer": {"video_key": "v.mp4", "duration_s": 30},
    }
    return payloads.get(stage_name)


async def test_a_revision_opens_the_next_version_with_reset_stages_carried_checkpoints_and_its_own_cost(
    settings: Settings,
):
    async with harness(isolated_settings(settings)) as h:
        done = await _finish(h, await h.new_job())
        v1_cost = done.cost_usd

        started = await h.conn.ledger.revisions.start(done, script_key="v2/script.json", redo=REDO)
        job = await h.job(done.job_id)

        assert (started.version, started.created) == (2, True)
        assert (job.version, job.status, job.cost_usd, job.outputs) == (2, "queued", 0.0, {})
        assert all(state.status == "pending" and state.attempts == 0 for state in job.stages.values())
        # Every paid result carries over; failure counts do not.
        assert {name: state.checkpoints for name, state in job.stages.items()} == {
            s.name: {f"{s.name}@abc": "v"} for s in JOB_STAGES
        }
        first, second = job.version_records()
        assert (first.status, first.outputs, first.cost_usd) == ("completed", {"video_key": "final-v1.mp4"}, v1_cost)
        assert (second.version, second.script_key, second.redo) == (2, "v2/script.json", REDO)
        # Its job.submitted is owed until published: the outbox relay would find it.
        assert [j.job_id for j in await h.conn.ledger.outbox.pending(created_before="9999")] == [job.job_id]

        finished = await _finish(h, job, cost_per_stage=0.25)
        v2_cost = len(JOB_STAGES) * 0.25
        assert finished.cost_usd == pytest.approx(v2_cost)  # what version 2 paid, not the job's running total
        assert [r.cost_usd for r in finished.version_records()] == [pytest.approx(v1_cost), pytest.approx(v2_cost)]
        usage = await read_usage(h.conn.clients.dynamodb, h.conn.ledger.usage_table, job.user_id)
        assert (usage[0]["jobs"], usage[0]["cost_usd"]) == (1, pytest.approx(v1_cost + v2_cost))


async def test_two_revisions_racing_from_the_same_version_make_one(settings: Settings):
    async with harness(isolated_settings(settings)) as h:
        done = await _finish(h, await h.new_job())

        outcomes = await asyncio.gather(
            *(h.conn.ledger.revisions.start(done, script_key=f"k{n}", redo=REDO) for n in range(2)),
            return_exceptions=True,
        )

        assert sorted(type(o).__name__ for o in outcomes) == ["RevisionRefused", "Started"]
        assert (await h.job(done.job_id)).version == 2


async def test_the_same_idempotency_key_makes_one_version_and_another_body_is_refused(settings: Settings):
    async with harness(isolated_settings(settings)) as h:
        done = await _finish(h, await h.new_job())
        start = h.conn.ledger.revisions.start

        first = await start(done, script_key="k", redo=REDO, idempotency_key="key-1", request_hash="h1")
        again = await start(done, script_key="k", redo=REDO, idempotency_key="key-1", request_hash="h1")

        assert (first.version, first.created, again.version, again.created) == (2, True, 2, False)
        assert (await h.job(done.job_id)).version == 2
        with pytest.raises(IdempotencyConflict):
            await start(done, script_key="k", redo=REDO, idempotency_key="key-1", request_hash="h2")


async def test_a_running_job_is_not_revised(settings: Settings):
    async with harness(isolated_settings(settings)) as h:
        job = await h.new_job()

        with pytest.raises(RevisionRefused):
            await h.conn.ledger.revisions.start(job, script_key="k", redo=REDO)
        assert (await h.job(job.job_id)).version == 1


class CountingScript:
    def __init__(self) -> None:
        self.runs = 0

    async def __call__(self, event: Event, ctx: StageContext) -> StageResult:
        self.runs += 1
        payload = ScriptCompletedPayload(script_key="s.json", duration_s=30, scene_count=3, needs_narration=True)
        return StageResult("script.completed", payload)


async def test_a_delivery_of_the_older_version_is_acked_and_dropped(settings: Settings):
    async with harness(isolated_settings(settings)) as h:
        done = await _finish(h, await h.new_job())
        await h.conn.ledger.revisions.start(done, script_key="k", redo=REDO)
        queue = await h.stage_queue("script")
        await queue.send(dump_event(make_event("job.submitted", job_id=done.job_id, user_id=done.user_id)),
                         event_type="job.submitted")  # fmt: skip
        handler = CountingScript()
        (message,) = await queue.receive(max_messages=1, wait_s=2)

        await Delivery(stage("script"), handler, h.conn, queue, owner="o").handle(message)

        job = await h.job(done.job_id)
        assert handler.runs == 0
        assert (job.version, job.stage("script").status) == (2, "pending")
        assert await h.depth(queue) == (0, 0)  # acked, not left for the DLQ

        # The version's own delivery runs it, and its event says which version it belongs to.
        await queue.send(dump_event(make_event("job.submitted", job_id=done.job_id, user_id=done.user_id,
                                               version=2)), event_type="job.submitted")  # fmt: skip
        (message,) = await queue.receive(max_messages=1, wait_s=2)
        await Delivery(stage("script"), handler, h.conn, queue, owner="o").handle(message)
        job = await h.job(done.job_id)
        assert handler.runs == 1
        stored = job.completion_event("script")
        assert stored is not None
        assert (stored.version, stored.event_id) == (2, f"{job.job_id}:script.completed:0:v2")


async def test_a_failed_job_can_be_revised_and_its_failure_is_kept_with_its_version(settings: Settings):
    async with harness(isolated_settings(settings)) as h:
        job = await h.new_job()
        await h.conn.ledger.claim_stage(job.job_id, "script", owner="w", lease_s=30)
        assert await h.conn.ledger.fail_job(await h.job(job.job_id), stage_name="script", reason="refused")
        failed = await h.job(job.job_id)

        started = await h.conn.ledger.revisions.start(failed, script_key="k", redo=REDO)

        revised = await h.job(job.job_id)
        assert (started.version, revised.status, revised.error_stage, revised.error_reason) == (2, "queued", None, None)
        assert [(r.version, r.status) for r in revised.version_records()] == [(1, "failed"), (2, "queued")]
        with pytest.raises(RevisionRefused):  # it runs again: no second revision until it ends
            await h.conn.ledger.revisions.start(revised, script_key="k", redo=REDO)


async def test_a_reviewed_revision_stops_at_its_storyboard_until_approved(settings: Settings):
    async with harness(isolated_settings(settings)) as h:
        done = await _finish(h, await h.new_job())

        await h.conn.ledger.revisions.start(done, script_key="v2/script.json", redo=REDO, review=True)
        v2 = await h.job(done.job_id)
        assert (v2.gate, v2.versions["2"].review) == ("closed", True)
        for name in PRE_GATE_NAMES:  # the script and keyframes may go ahead
            declared = stage(name)
            claim = await h.conn.ledger.claim_stage(
                v2.job_id, name, owner="w", lease_s=30, requires=declared.requires, version=2,
                job_status=declared.job_status_while_running,
            )  # fmt: skip
            assert claim.granted, (name, claim.kind)
            event = make_event(declared.publishes[0], job_id=v2.job_id, user_id=v2.user_id,
                               payload=_payload(name), version=2)  # fmt: skip
            assert await h.conn.ledger.complete_stage(
                v2.job_id, name, owner="w", event_json=dump_event(event), cost_usd=0.1
            )
        clips = stage("clips")
        held = await h.conn.ledger.claim_stage(v2.job_id, "clips", owner="w", lease_s=30, requires=clips.requires,
                                               version=2, after_approval=True)  # fmt: skip
        waiting = await h.conn.ledger.gate.reach(v2.job_id, PRE_GATE_NAMES)

        assert held.kind == "gated"
        assert waiting is not None
        assert waiting.status == "awaiting_approval"
        assert await h.conn.ledger.gate.approve(v2.job_id) is not None
        released = await h.conn.ledger.claim_stage(v2.job_id, "clips", owner="w", lease_s=30,
                                                   requires=clips.requires, version=2, after_approval=True)  # fmt: skip
        assert released.granted, released.kind


async def test_an_unreviewed_revision_of_a_reviewed_version_runs_straight_through(settings: Settings):
    async with harness(isolated_settings(settings)) as h:
        done = await _finish(h, await h.new_job())
        await h.conn.ledger.revisions.start(done, script_key="v2/script.json", redo=REDO, review=True)
        reviewed = await _finish(h, await h.job(done.job_id))

        await h.conn.ledger.revisions.start(reviewed, script_key="v3/script.json", redo=REDO, review=False)
        v3 = await h.job(done.job_id)

        assert (v3.version, v3.gate, v3.awaiting_since, v3.versions["3"].review) == (3, None, None, False)
        clips = stage("clips")
        claim = await h.conn.ledger.claim_stage(
            v3.job_id, "clips", owner="w", lease_s=30, requires=(), version=3,
            job_status=clips.job_status_while_running, after_approval=True,
        )  # fmt: skip
        assert claim.kind != "gated"

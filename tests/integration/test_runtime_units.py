"""A stage whose work fans out into units (the clips stage's scenes), on the real emulator.

Each scene is its own message: claimed by whichever clips worker is free, retried, failed or cancelled on
its own, and joined in the ledger so that `clips.completed` is published once, whatever duplicates arrive.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest

from shared.config import Settings
from shared.errors import PermanentError
from shared.events import Event, make_event, parse_event
from shared.job import Job
from shared.payloads import (
    ClipsCompletedPayload,
    KeyframesCompletedPayload,
    SceneCompletedPayload,
    ScriptCompletedPayload,
)
from shared.stage import Plan, StageContext, StageResult, UnitsHandler
from tests.harness.runtime import Harness, harness, isolated_settings, running

pytestmark = pytest.mark.integration


@dataclass
class Scenes:
    """The clips stage's logic for runtime tests: `count` scenes of `seconds` each, and who ran which."""

    count: int = 6
    seconds: float = 0.3
    sequential: bool = False
    failing: dict[int, Exception] = field(default_factory=dict)
    runs: list[tuple[int, float, float]] = field(default_factory=list)  # (scene, started, finished)

    def handler(self) -> UnitsHandler:
        async def plan(event: Event, ctx: StageContext) -> Plan:
            return Plan(units=self.count, sequential=self.sequential)

        async def run(index: int, ctx: StageContext) -> StageResult:
            started = time.monotonic()
            if index in self.failing:
                raise self.failing[index]
            await asyncio.sleep(self.seconds)
            self.runs.append((index, started, time.monotonic()))
            key = f"clips/scene-{index}.mp4"
            payload = SceneCompletedPayload(index=index, clip_key=key, thumbnail_key=key, duration_s=2)
            return StageResult("scene.completed", payload, cost_usd=0.25)

        async def join(ctx: StageContext) -> StageResult:
            scenes = [ctx.job.unit_output("clips", i, SceneCompletedPayload) for i in range(self.count)]
            keys = [s.clip_key for s in scenes if s is not None]
            return StageResult("clips.completed", ClipsCompletedPayload(clip_keys=keys, duration_s=2 * self.count))

        return UnitsHandler(plan=plan, run=run, join=join)


async def _script_done(h: Harness, job: Job) -> Event:
    """The job's script and keyframes stages as done, recorded, and `keyframes.completed` published
    (what opens the clips stage)."""
    script = ScriptCompletedPayload(script_key="s.json", duration_s=12, scene_count=6, needs_narration=True)
    keyframes = KeyframesCompletedPayload(hero_key="hero.png", keyframe_keys=[])
    for name, event_type, payload in (
        ("script", "script.completed", script),
        ("keyframes", "keyframes.completed", keyframes),
    ):
        event = make_event(event_type, job_id=job.job_id, user_id=job.user_id, payload=payload)
        assert (await h.conn.ledger.claim_stage(job.job_id, name, owner="test", lease_s=30)).granted
        await h.conn.ledger.complete_stage(
            job.job_id, name, owner="test", event_json=event.model_dump_json(), cost_usd=0
        )
    await h.conn.bus.publish(event)
    return event


@contextlib.asynccontextmanager
async def clips_workers(h: Harness, scenes: Scenes, count: int) -> AsyncIterator[None]:
    async with contextlib.AsyncExitStack() as stack:
        for _ in range(count):
            await stack.enter_async_context(running(h.conn, "clips", scenes.handler()))
        yield


async def _quiet(h: Harness, *, clips_served: bool = True) -> list[Event]:
    """Every event the probe holds, once the probe (and the clips queue, when served) has been idle a moment."""
    clips = await h.stage_queue("clips")
    seen: list[Event] = []
    idle_since = time.monotonic()
    deadline = time.monotonic() + 30
    while time.monotonic() - idle_since < 2.0:
        assert time.monotonic() < deadline, "the clips queue never went quiet"
        if clips_served and await h.depth(clips) != (0, 0):
            idle_since = time.monotonic()
        for message in await h.probe.receive(max_messages=10, wait_s=0):
            seen.append(parse_event(message.body))
            await h.probe.delete(message)
            idle_since = time.monotonic()
        await asyncio.sleep(0.1)
    return seen


def _count(events: list[Event], event_type: str) -> int:
    return sum(e.event_type == event_type for e in events)


async def test_one_jobs_scenes_spread_over_three_workers_and_join_into_one_clips_completed(settings: Settings):
    scenes = Scenes(count=6, seconds=0.4)
    async with harness(isolated_settings(settings)) as h, clips_workers(h, scenes, 3):
        job = await h.new_job()
        await _script_done(h, job)

        done = await h.wait_job(job.job_id, lambda j: j.stage("clips").done, timeout_s=30)
        events = await _quiet(h)

    clips = done.stage("clips")
    owners = {clips.unit(i).owner for i in range(6)}
    assert len(owners) >= 2, owners  # one job's scenes on more than one worker
    assert sorted(index for index, _, _ in scenes.runs) == list(range(6))  # each scene rendered once
    assert _count(events, "clips.completed") == 1
    assert len({e.event_id for e in events if e.event_type == "scene.completed"}) == 6
    assert clips.cost_usd == pytest.approx(1.5)
    assert done.cost_usd == pytest.approx(1.5)
    assert done.output("clips", ClipsCompletedPayload) is not None
    assert done.output("clips", ClipsCompletedPayload).clip_keys == [f"clips/scene-{i}.mp4" for i in range(6)]  # type: ignore[union-attr]


async def test_duplicated_scene_completions_never_publish_clips_completed_twice(settings: Settings):
    scenes = Scenes(count=4, seconds=0.1)
    async with harness(isolated_settings(settings)) as h, clips_workers(h, scenes, 3):
        job = await h.new_job()
        await _script_done(h, job)
        done = await h.wait_job(job.job_id, lambda j: j.stage("clips").done, timeout_s=30)
        first = await _quiet(h)

        stored = [parse_event(done.stage("clips").unit(i).event or "") for i in range(4)]
        for _ in range(3):
            await asyncio.gather(*(h.conn.bus.publish(event) for event in stored))
        again = await _quiet(h)

    assert _count(first, "clips.completed") == 1
    assert _count(again, "scene.completed") == 12  # the duplicates did arrive
    assert _count(again, "clips.completed") == 0


async def _all_scenes_done_but_not_joined(h: Harness, job: Job, count: int) -> list[Event]:
    """Through the ledger alone: the stage opened, every scene claimed and finished, the join still to come."""
    assert await h.conn.ledger.units.open(
        job.job_id, "clips", units=count, sequential=False, requires=("script", "keyframes"), job_status="running"
    )
    finished = []
    for index in range(count):
        payload = SceneCompletedPayload(index=index, clip_key=f"c{index}", thumbnail_key=f"t{index}", duration_s=2)
        event = make_event("scene.completed", job_id=job.job_id, user_id=job.user_id, payload=payload)
        assert await h.conn.ledger.units.claim(job.job_id, "clips", index, owner="w", lease_s=30)
        assert await h.conn.ledger.units.complete(
            job.job_id, "clips", index, owner="w", event_json=event.model_dump_json(), cost_usd=0.1
        )
        finished.append(event)
    return finished


async def test_racing_deliveries_of_the_last_scenes_completion_join_once(settings: Settings):
    scenes = Scenes(count=3)
    async with harness(isolated_settings(settings)) as h:
        job = await h.new_job()
        await _script_done(h, job)
        await _quiet(h, clips_served=False)  # nobody serves clips yet: the trigger waits in the queue
        finished = await _all_scenes_done_but_not_joined(h, job, 3)
        for event in [*finished, *[finished[-1]] * 5]:
            await h.conn.bus.publish(event)

        async with clips_workers(h, scenes, 3):
            await h.wait_job(job.job_id, lambda j: j.stage("clips").done, timeout_s=30)
            events = await _quiet(h)
            done = await h.job(job.job_id)

    assert _count(events, "clips.completed") == 1
    assert done.stage("clips").announced
    assert scenes.runs == []  # nothing was rendered again


async def test_a_join_whose_publisher_died_before_publishing_is_published_by_the_next_duplicate(settings: Settings):
    scenes = Scenes(count=2)
    async with harness(isolated_settings(settings)) as h:
        job = await h.new_job()
        await _script_done(h, job)
        await _quiet(h, clips_served=False)
        finished = await _all_scenes_done_but_not_joined(h, job, 2)
        joined = make_event(
            "clips.completed",
            job_id=job.job_id,
            user_id=job.user_id,
            payload=ClipsCompletedPayload(clip_keys=["c0", "c1"], duration_s=4),
        )
        # The join's writer, then nothing: it died before publishing, and its announcing lease has run out.
        assert await h.conn.ledger.units.join(
            await h.job(job.job_id),
            "clips",
            event_json=joined.model_dump_json(),
            cost_usd=0.2,
            owner="dead",
            announce_s=0,
        )
        assert not (await h.job(job.job_id)).stage("clips").announced

        async with clips_workers(h, scenes, 1):
            await h.conn.bus.publish(finished[0])
            repaired = await _quiet(h)
            announced = (await h.job(job.job_id)).stage("clips").announced
            await h.conn.bus.publish(finished[1])
            later = await _quiet(h)

    assert [e.event_id for e in repaired if e.event_type == "clips.completed"] == [joined.event_id]
    assert announced
    assert _count(later, "clips.completed") == 0


async def test_a_failed_scene_names_itself_in_the_jobs_error(settings: Settings):
    scenes = Scenes(count=4, seconds=0.2, failing={2: PermanentError("the video model refused the prompt")})
    async with harness(isolated_settings(settings)) as h, clips_workers(h, scenes, 2):
        job = await h.new_job()
        await _script_done(h, job)
        failed = await h.wait_job(job.job_id, lambda j: j.terminal, timeout_s=30)
        events = await _quiet(h)

    assert failed.status == "failed"
    assert failed.error_stage == "clips"
    assert failed.error_reason == "scene 3: the video model refused the prompt"
    assert failed.stage("clips").unit(2).status == "failed"
    assert failed.stage("clips").unit(2).error == "the video model refused the prompt"
    assert _count(events, "clips.completed") == 0
    assert [e.payload.reason for e in events if e.event_type == "job.failed"] == [failed.error_reason]


async def test_in_a_chain_each_scene_starts_only_once_the_one_before_it_is_done(settings: Settings):
    scenes = Scenes(count=4, seconds=0.2, sequential=True)
    async with harness(isolated_settings(settings)) as h, clips_workers(h, scenes, 3):
        job = await h.new_job()
        await _script_done(h, job)
        done = await h.wait_job(job.job_id, lambda j: j.stage("clips").done, timeout_s=30)
        events = await _quiet(h)

    order = sorted(scenes.runs, key=lambda run: run[1])
    assert [index for index, _, _ in order] == [0, 1, 2, 3]
    assert all(later[1] >= earlier[2] for earlier, later in itertools.pairwise(order))
    assert done.stage("clips").sequential
    assert _count(events, "scene.requested") == 4
    assert _count(events, "clips.completed") == 1


async def test_a_cancelled_job_renders_no_further_scene(settings: Settings):
    scenes = Scenes(count=6, seconds=0.5)
    async with harness(isolated_settings(settings)) as h, clips_workers(h, scenes, 1):
        job = await h.new_job()
        await _script_done(h, job)
        await h.wait_job(job.job_id, lambda j: j.stage("clips").unit(0).done, timeout_s=30)
        assert await h.conn.ledger.cancel_job(await h.job(job.job_id))
        cancelled_at = time.monotonic()
        events = await _quiet(h)
        after = await h.job(job.job_id)

    assert len(scenes.runs) < 6
    assert all(started < cancelled_at for _, started, _ in scenes.runs)  # nothing started after the cancel
    assert _count(events, "clips.completed") == 0
    assert after.status == "cancelled"
    assert not after.stage("clips").done

"""Events travel through the real topic and queues: fan-out by `event_type`, and the whole pass-through chain."""

from __future__ import annotations

import contextlib
from functools import partial

import pytest

from shared.config import Settings
from shared.events import make_event
from shared.payloads import ScriptCompletedPayload
from shared.queue import Queue
from tests.harness.runtime import Harness, eventually, harness, isolated_settings, running
from tests.integration.passthrough import HANDLERS

pytestmark = pytest.mark.integration


async def test_script_completed_reaches_only_the_keyframes_narration_and_music_queues(settings: Settings):
    async with harness(isolated_settings(settings)) as h:
        job = await h.new_job()
        payload = ScriptCompletedPayload(script_key="k", duration_s=30, scene_count=4, needs_narration=True)

        await h.conn.bus.publish(
            make_event("script.completed", job_id=job.job_id, user_id=job.user_id, payload=payload)
        )

        for name in ("keyframes", "narration", "music"):
            queue = await h.stage_queue(name)
            await eventually(partial(_has, h, queue, 1))
        for name in ("script", "clips", "composer", "notifier"):  # clips wait for the keyframes
            assert await h.depth(await h.stage_queue(name)) == (0, 0), name


async def _has(h: Harness, queue: Queue, count: int) -> bool:
    visible, _ = await h.depth(queue)
    return visible == count


async def test_the_pass_through_chain_completes_a_job_through_the_real_queues(settings: Settings):
    async with harness(isolated_settings(settings)) as h, contextlib.AsyncExitStack() as workers:
        for name, handler in HANDLERS.items():
            await workers.enter_async_context(running(h.conn, name, handler))
        job = await h.new_job(user_id="u-chain")

        await h.submit(job)

        done = await h.wait_job(job.job_id, lambda j: j.terminal)
        assert done.status == "completed"
        assert done.progress == 100
        assert all(state.status == "succeeded" for state in done.stages.values())
        assert done.outputs["video_key"].endswith("final/ad.mp4")
        usage = await h.conn.ledger.get_usage("u-chain")
        assert [(u["jobs"], u["video_seconds"]) for u in usage] == [(1, 30)]


async def test_the_pass_through_chain_publishes_every_stage_event_once_in_order(settings: Settings):
    async with harness(isolated_settings(settings)) as h, contextlib.AsyncExitStack() as workers:
        for name, handler in HANDLERS.items():
            await workers.enter_async_context(running(h.conn, name, handler))
        job = await h.new_job()

        await h.submit(job)

        everything = await h.probe_events(lambda events: any(e.event_type == "job.completed" for e in events))
        # The clips stage's scenes come and go on the topic too: two requested, two completed.
        scene_events = sorted(e.event_id.split(":")[1] for e in everything if e.event_type.startswith("scene."))
        assert scene_events == ["scene.completed#0", "scene.completed#1", "scene.requested#0", "scene.requested#1"]
        seen = [e for e in everything if not e.event_type.startswith("scene.")]
        types = [e.event_type for e in seen]
        assert types[:2] == ["job.submitted", "script.completed"]
        assert types[-1] == "job.completed"
        assert sorted(types[2:6]) == [
            "clips.completed",
            "keyframes.completed",
            "music.completed",
            "narration.completed",
        ]
        assert types.index("keyframes.completed") < types.index("clips.completed")  # clips run between keyframes
        assert len({e.event_id for e in seen}) == len(seen) == 7

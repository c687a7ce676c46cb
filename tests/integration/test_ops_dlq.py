"""Dead-letter tools against the real emulator: list, show, replay (both paths), an interrupted replay, depth."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import replace

import pytest

from shared.config import Settings
from shared.connections import Connections
from shared.errors import TransientError
from shared.events import make_event
from shared.stage import Handler, StageContext, StageResult, UnitsHandler
from shared.topology import STAGES, stage
from shared.worker import serve_stage
from tests.harness.runtime import Harness, harness, isolated_settings
from tests.integration.passthrough import HANDLERS
from tests.integration.passthrough import clips as CLIPS
from tools.ops.depth import queue_depths
from tools.ops.dlq import DeadLetter, DeadLetterQueue, open_dead_letter_queue
from tools.ops.replay import Replayer
from tools.ops.report import show, summarize

pytestmark = pytest.mark.integration


@contextlib.asynccontextmanager
async def serving(conn: Connections, handlers: dict[str, Handler | UnitsHandler]) -> AsyncIterator[None]:
    """Stage workers via `serve_stage`, in tasks of this loop, stopped on exit."""
    stop = asyncio.Event()
    tasks = [asyncio.create_task(serve_stage(stage(name), handler, conn, stop)) for name, handler in handlers.items()]
    try:
        yield
    finally:
        stop.set()
        await asyncio.wait_for(asyncio.gather(*tasks), timeout=30)


async def _scene_unavailable(index: int, ctx: StageContext) -> StageResult:
    raise TransientError("the video model is unavailable")


# The clips stage's logic with every scene failing.
clips_unavailable = replace(CLIPS, run=_scene_unavailable)


async def _dead_letter(h: Harness, stage_name: str, body: str) -> DeadLetterQueue:
    dlq = await open_dead_letter_queue(h.conn, stage(stage_name))
    await h.conn.clients.sqs.send_message(QueueUrl=dlq.url, MessageBody=body)
    return dlq


def _replayer(h: Harness, dlq: DeadLetterQueue) -> Replayer:
    return Replayer(dlq, h.conn.ledger, h.conn.bus, h.conn.storage)


async def _failed_script_job(h: Harness) -> tuple[str, DeadLetterQueue]:
    """A job failed at its script stage, its job.submitted in the script DLQ (as redrive leaves it)."""
    job = await h.new_job()
    await h.conn.ledger.fail_job(job, stage_name="script", reason="the script model kept timing out")
    body = make_event("job.submitted", job_id=job.job_id, user_id=job.user_id).model_dump_json()
    return job.job_id, await _dead_letter(h, "script", body)


async def test_a_poison_message_is_listed_with_its_age_and_shown_without_being_consumed(settings: Settings):
    async with harness(isolated_settings(settings)) as h:
        dlq = await _dead_letter(h, "music", "{not json")

        summary = await summarize(dlq)
        views = await show(dlq, h.conn.ledger, limit=10)

        assert summary.count == 1
        assert summary.oldest_age_s is not None
        assert summary.oldest_age_s < 60
        assert [(v.job_id, v.poison_reason is not None) for v in views] == [(None, True)]
        assert await h.depth(await h.dead_letters("music")) == (1, 0)


async def test_show_decodes_the_event_and_reports_the_jobs_recorded_failure(settings: Settings):
    async with harness(isolated_settings(settings)) as h:
        job_id, dlq = await _failed_script_job(h)

        [view] = await show(dlq, h.conn.ledger, limit=10)

        assert (view.event_type, view.job_id, view.job_status) == ("job.submitted", job_id, "failed")
        assert (view.failed_stage, view.failure) == ("script", "the script model kept timing out")
        assert view.receive_count == 1


async def test_a_replay_resets_the_failed_stage_and_the_job_then_completes(settings: Settings):
    async with harness(isolated_settings(settings)) as h:
        job_id, dlq = await _failed_script_job(h)

        report = await _replayer(h, dlq).replay(job_id=job_id)

        assert (report.moved, report.jobs_reset) == (1, [job_id])
        assert await h.depth(await h.stage_queue("script")) == (1, 0)
        assert await dlq.count() == 0
        reset = await h.job(job_id)
        assert (reset.status, reset.stage("script").status, reset.generation) == ("running", "pending", 1)
        async with serving(h.conn, HANDLERS):
            done = await h.wait_job(job_id, lambda j: j.terminal)
        assert done.status == "completed"


async def test_a_job_that_exhausted_its_retries_completes_after_its_dead_letter_is_replayed(settings: Settings):
    async with harness(isolated_settings(settings, retry_base_s=0.5)) as h:
        job = await h.new_job()
        await h.conn.storage.upload_bytes(b"{}", f"users/{job.user_id}/jobs/{job.job_id}/script/script.json")
        async with serving(h.conn, {**HANDLERS, "clips": clips_unavailable}):
            await h.submit(job)
            failed = await h.wait_job(job.job_id, lambda j: j.terminal, timeout_s=30)
            dlq = await open_dead_letter_queue(h.conn, stage("clips"))
            await _until(dlq.count, 1)
        # A stopped worker's last long poll lives on in the server (which we cannot observe) until its
        # poll_wait_s runs out; a replay sent before then could be received by that ghost and lost to a lease.
        await asyncio.sleep(h.settings.poll_wait_s + 0.5)
        assert (failed.status, failed.error_stage) == ("failed", "clips")
        assert await _tags(h, f"users/{job.user_id}/jobs/{job.job_id}/script/script.json") == {
            "pharmagen-status": "failed"
        }

        report = await _replayer(h, dlq).replay(job_id=job.job_id)
        async with serving(h.conn, HANDLERS):
            done = await h.wait_job(job.job_id, lambda j: j.terminal)

        assert report.jobs_reset == [job.job_id]
        assert done.status == "completed"
        assert await _tags(h, f"users/{job.user_id}/jobs/{job.job_id}/script/script.json") == {
            "pharmagen-status": "retried"
        }


class CrashBeforeDelete(DeadLetterQueue):
    """The process dies between the send and the delete."""

    async def delete(self, letter: DeadLetter) -> None:
        raise KeyboardInterrupt


async def test_a_replay_interrupted_after_the_send_loses_nothing(settings: Settings):
    async with harness(isolated_settings(settings)) as h:
        job_id, dlq = await _failed_script_job(h)
        crashing = CrashBeforeDelete(h.conn.clients.sqs, dlq.stage, url=dlq.url, source_url=dlq.source_url)

        with pytest.raises(KeyboardInterrupt):
            await _replayer(h, crashing).replay(job_id=job_id)

        assert await h.depth(await h.stage_queue("script")) == (1, 0)
        assert await dlq.count() == 1  # still there (hidden until its hold ends): a later replay sends it again


async def test_replay_all_falls_back_to_receive_send_delete_when_the_move_api_fails(settings: Settings):
    async with harness(isolated_settings(settings)) as h:
        dlq = await _dead_letter(h, "narration", "{poison one")
        await h.conn.clients.sqs.send_message(QueueUrl=dlq.url, MessageBody="{poison two")

        report = await _replayer(h, dlq).replay(use_move_api=True)

        assert (report.method, report.move_error, report.moved) == ("receive-send-delete", "ClientError", 2)
        assert await h.depth(await h.stage_queue("narration")) == (2, 0)
        assert await dlq.count() == 0


async def test_replay_of_one_job_leaves_other_jobs_dead_letters_in_place(settings: Settings):
    async with harness(isolated_settings(settings)) as h:
        job_id, dlq = await _failed_script_job(h)
        await h.conn.clients.sqs.send_message(QueueUrl=dlq.url, MessageBody="{another job's poison")

        report = await _replayer(h, dlq).replay(job_id=job_id)

        assert report.moved == 1
        assert await h.depth(await h.dead_letters("script")) == (1, 0)


async def test_queue_depth_reports_visible_in_flight_delayed_and_dead_per_stage(settings: Settings):
    async with harness(isolated_settings(settings)) as h:
        clips = await h.stage_queue("clips")
        for delay_s in (0, 0, 0, 60):
            await h.conn.clients.sqs.send_message(QueueUrl=clips.url, MessageBody="x", DelaySeconds=delay_s)
        await clips.receive(max_messages=1, wait_s=0)
        await _dead_letter(h, "clips", "dead")

        depths = {d.stage: d for d in await queue_depths(h.conn)}

        assert set(depths) == {s.name for s in STAGES}
        assert (depths["clips"].visible, depths["clips"].in_flight, depths["clips"].delayed) == (2, 1, 1)
        assert (depths["clips"].dead, depths["music"].dead) == (1, 0)


async def _until(read, expected: int, timeout_s: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while await read() != expected:
        assert loop.time() < deadline, "the count never reached the expected value"
        await asyncio.sleep(0.1)


async def _tags(h: Harness, key: str) -> dict[str, str]:
    response = await h.conn.clients.s3.get_object_tagging(Bucket=h.conn.storage.bucket, Key=key)
    return {t["Key"]: t["Value"] for t in response["TagSet"]}

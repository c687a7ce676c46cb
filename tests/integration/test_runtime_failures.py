"""How the runtime settles failures: transient ones retried with growing delays, permanent ones and the last
allowed receive fail the job with its stage and reason, and unreadable messages go to the DLQ."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

import pytest

from shared.config import Settings
from shared.errors import PermanentError, TransientError
from shared.events import Event, dump_event, make_event
from shared.job import Job
from shared.stage import StageContext, StageResult
from tests.harness.runtime import (
    Harness,
    RecordingQueue,
    event_body,
    eventually,
    harness,
    isolated_settings,
    running,
)
from tests.integration.test_runtime_claims import CountingScript

pytestmark = pytest.mark.integration


class _NoJitter:
    """Stands in for `random` in shared.delivery: the backoff's jitter always takes its upper bound."""

    @staticmethod
    def uniform(low: float, high: float) -> float:
        return high


@dataclass
class FailingRun:
    """A script stage whose handler always fails transiently, watched to the end of its receives."""

    attempts_at: list[float] = field(default_factory=list)
    queue: RecordingQueue | None = None
    job: Job | None = None
    dead_letter_depth: tuple[int, int] = (0, 0)
    published: list[Event] = field(default_factory=list)

    async def handle(self, event: Event, ctx: StageContext) -> StageResult:
        self.attempts_at.append(time.monotonic())
        raise TransientError("the model endpoint answered 503")


@pytest.fixture(scope="module")
async def failing_run(settings: Settings) -> FailingRun:
    """One run serves two tests: it takes ~8 s (redelivery delays of 1, 2 and 4 s)."""
    run = FailingRun()
    mp = pytest.MonkeyPatch()
    mp.setattr("shared.attempt.random", _NoJitter)
    try:
        async with harness(isolated_settings(settings)) as h:
            run.queue = RecordingQueue(await h.stage_queue("script"))
            job = await h.new_job()
            async with running(h.conn, "script", run.handle, queue=run.queue):
                await h.submit(job)
                dead_letters = await h.dead_letters("script")
                await eventually(lambda: _holds_one(h, dead_letters), timeout_s=30)
            run.job = await h.job(job.job_id)
            run.dead_letter_depth = await h.depth(dead_letters)
            run.published = await h.probe_events(lambda seen: any(e.event_type == "job.failed" for e in seen))
    finally:
        mp.undo()
    return run


async def _holds_one(h: Harness, queue) -> bool:
    return (await h.depth(queue))[0] == 1


async def test_a_transient_error_is_retried_with_a_growing_visibility_delay(failing_run: FailingRun):
    assert failing_run.queue is not None
    assert failing_run.queue.receive_counts == [1, 2, 3, 4]
    # Each attempt first aligns the message with the (short, test) lease, then sets its redelivery delay.
    assert failing_run.queue.visibility_changes[0::2] == [2, 2, 2, 2]
    assert failing_run.queue.visibility_changes[1::2] == [1, 2, 4, 0]
    gaps = [b - a for a, b in zip(failing_run.attempts_at, failing_run.attempts_at[1:], strict=False)]
    assert [round(g) >= d for g, d in zip(gaps, (1, 2, 4), strict=True)] == [True, True, True]
    assert gaps[0] < gaps[1] < gaps[2]


async def test_the_last_allowed_receive_fails_the_job_with_stage_and_reason_before_the_dlq(failing_run: FailingRun):
    job = failing_run.job
    assert job is not None
    assert job.status == "failed"
    assert job.error_stage == "script"
    # Written for the user: the cause (TransientError: the model endpoint answered 503) goes to the logs only.
    assert job.error_reason == "the script stage kept failing after 4 attempts"
    assert failing_run.dead_letter_depth == (1, 0)
    [failed] = [e for e in failing_run.published if e.event_type == "job.failed"]
    assert failed.payload.model_dump() == {"stage": "script", "reason": job.error_reason}


async def _reject(event: Event, ctx: StageContext) -> StageResult:
    raise PermanentError("the brief names no product to advertise")


async def test_a_permanent_error_fails_the_job_at_once_and_deletes_the_message(settings: Settings):
    async with harness(isolated_settings(settings)) as h:
        job = await h.new_job()
        queue, dead_letters = await h.stage_queue("script"), await h.dead_letters("script")
        async with running(h.conn, "script", _reject):
            await h.submit(job)
            failed = await h.wait_job(job.job_id, lambda j: j.terminal)
            published = await h.probe_events(lambda seen: any(e.event_type == "job.failed" for e in seen))
            await eventually(lambda: _empty(h, queue))

        assert (failed.status, failed.error_stage, failed.error_reason) == (
            "failed",
            "script",
            "the brief names no product to advertise",
        )
        assert failed.stage("script").attempts == 1
        assert await h.depth(dead_letters) == (0, 0)
        [event] = [e for e in published if e.event_type == "job.failed"]
        assert event.payload.model_dump() == {"stage": "script", "reason": "the brief names no product to advertise"}


async def _empty(h: Harness, queue) -> bool:
    return await h.depth(queue) == (0, 0)


async def test_unreadable_messages_reach_the_dlq_while_the_worker_keeps_serving_jobs(settings: Settings):
    async with harness(isolated_settings(settings)) as h:
        queue, dead_letters = await h.stage_queue("script"), await h.dead_letters("script")
        handler = CountingScript()
        job = await h.new_job()
        poison = [
            "this is not json",
            event_body(job.job_id, job.user_id, schema_version=2),
            event_body("job-nobody-knows", job.user_id),
        ]
        async with running(h.conn, "script", handler):
            for body in poison:
                await queue.send(body, event_type="job.submitted")
            await h.submit(job)
            done = await h.wait_job(job.job_id, lambda j: j.stage("script").status == "succeeded")
            await eventually(lambda: _dead_letters_hold(h, dead_letters, 3))

        dead = await dead_letters.receive(max_messages=10, wait_s=1)
        assert sorted(m.body for m in dead) == sorted(poison)
        assert all(m.receive_count > 4 for m in dead)  # it took the allowed receives first
        assert done.stage("script").attempts == 1
        assert handler.runs == 1
        assert await h.depth(queue) == (0, 0)


async def _dead_letters_hold(h: Harness, queue, count: int) -> bool:
    return (await h.depth(queue))[0] == count


@dataclass
class PatientScript:
    """Works in small steps and checks for cancellation at each, as a real stage does between provider calls."""

    started: asyncio.Event = field(default_factory=asyncio.Event)
    steps: int = 0
    stopped_by_cancel: bool = False

    async def __call__(self, event: Event, ctx: StageContext) -> StageResult:
        self.started.set()
        try:
            for _ in range(100):
                await ctx.raise_if_cancelled()
                self.steps += 1
                await asyncio.sleep(0.1)
        except Exception:
            self.stopped_by_cancel = True
            raise
        raise AssertionError("the handler was never stopped")


async def test_cancelling_a_job_stops_its_running_handler_and_acks_the_message(settings: Settings):
    async with harness(isolated_settings(settings)) as h:
        handler = PatientScript()
        job = await h.new_job()
        queue, dead_letters = await h.stage_queue("script"), await h.dead_letters("script")
        async with running(h.conn, "script", handler):
            await h.submit(job)
            await asyncio.wait_for(handler.started.wait(), 10)

            assert await h.conn.ledger.cancel_job(job)
            await eventually(lambda: _empty(h, queue))

        assert handler.stopped_by_cancel
        assert handler.steps < 30
        assert (await h.job(job.job_id)).status == "cancelled"
        assert await h.depth(dead_letters) == (0, 0)


async def test_an_event_for_a_cancelled_job_is_acked_without_running(settings: Settings):
    async with harness(isolated_settings(settings)) as h:
        handler = CountingScript()
        job = await h.new_job()
        await h.conn.ledger.cancel_job(job)
        queue = await h.stage_queue("script")
        async with running(h.conn, "script", handler):
            await queue.send(dump_event(make_event("job.submitted", job_id=job.job_id, user_id=job.user_id)))
            await eventually(lambda: _empty(h, queue))

        assert handler.runs == 0

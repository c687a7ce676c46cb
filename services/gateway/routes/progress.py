"""GET /jobs/{id}/events: server-sent events of every status change, polled from the ledger; ends with the job."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from litestar import get
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath
from litestar.response import ServerSentEvent, ServerSentEventMessage

from services.gateway.auth import authenticate_stream
from services.gateway.routes.jobs import _NOT_FOUND, owned_job
from services.gateway.schemas import JobProgress
from services.gateway.views import stage_views
from shared.connections import Connections
from shared.job import Job

POLL_S = 0.5
KEEPALIVE_S = 15.0


def snapshot(job: Job) -> str:
    """The JSON sent per change: status, progress and each stage's status, attempts and timing."""
    return JobProgress(
        job_id=job.job_id,
        status=job.status,
        progress=job.progress,
        error_stage=job.error_stage,
        error_reason=job.error_reason,
        stages=stage_views(job),
    ).model_dump_json()


def _signature(job: Job) -> tuple[object, ...]:
    return (job.status, job.progress, tuple((name, s.status, s.attempts) for name, s in sorted(job.stages.items())))


async def progress_messages(
    conn: Connections, job: Job, *, poll_s: float = POLL_S
) -> AsyncIterator[ServerSentEventMessage]:
    last: tuple[object, ...] | None = None
    quiet_s = 0.0
    while True:
        signature = _signature(job)
        if signature != last:
            yield ServerSentEventMessage(data=snapshot(job), event="status", id=job.updated_at)
            last, quiet_s = signature, 0.0
        if job.terminal:
            yield ServerSentEventMessage(data=snapshot(job), event="end")
            return
        if quiet_s >= KEEPALIVE_S:
            yield ServerSentEventMessage(comment="keep-alive")
            quiet_s = 0.0
        await asyncio.sleep(poll_s)
        quiet_s += poll_s
        fresh = await conn.ledger.get_job(job.job_id)
        if fresh is None:
            return
        job = fresh


@get(
    "/jobs/{job_id:str}/events",
    summary="Live progress (server-sent events); accepts ?access_token= because EventSource cannot send headers",
    dependencies={"user_id": Provide(authenticate_stream)},
    responses=_NOT_FOUND,
)
async def job_events(
    job_id: FromPath[str], user_id: NamedDependency[str], conn: NamedDependency[Connections]
) -> ServerSentEvent:
    job = await owned_job(conn, user_id, job_id)
    return ServerSentEvent(progress_messages(conn, job))

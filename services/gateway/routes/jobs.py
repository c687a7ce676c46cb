"""A user's jobs: status, list, cancel, retry. Another user's job is a 404, indistinguishable from absent."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Annotated

from litestar import get, post
from litestar.di import NamedDependency
from litestar.exceptions import ClientException, NotFoundException
from litestar.params import FromPath, QueryParameter

from services.gateway.errors import (
    JOB_CONFLICT,
    JOB_NOT_FOUND,
    TOO_MANY_JOBS,
    too_many_active_jobs,
)
from services.gateway.schemas import JobPage, JobView
from services.gateway.views import job_summary, job_view
from shared.config import Settings
from shared.connections import Connections
from shared.job import Job
from shared.ledger import TooManyActiveJobs
from shared.recovery import resume_failed_job


async def owned_job(conn: Connections, user_id: str, job_id: str) -> Job:
    job = await conn.ledger.get_job(job_id) if len(job_id) <= 64 else None
    if job is None or job.user_id != user_id:
        raise NotFoundException(detail="no such job")
    return job


def _check_cursor(cursor: str, user_id: str) -> None:
    """The cursor is the ledger's opaque page key; refuse one that is malformed or names another user."""
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        owner = key["user_id"]["S"]
    except (binascii.Error, ValueError, KeyError, TypeError) as exc:
        raise ClientException(detail="cursor is not valid") from exc
    if owner != user_id:
        raise ClientException(detail="cursor is not valid")


@get("/jobs/{job_id:str}", summary="A job's status", responses=JOB_NOT_FOUND)
async def get_job(
    job_id: FromPath[str],
    user_id: NamedDependency[str],
    conn: NamedDependency[Connections],
    settings: NamedDependency[Settings],
) -> JobView:
    job = await owned_job(conn, user_id, job_id)
    return await job_view(job, conn.storage, presign_ttl_s=settings.presign_ttl_s)


@get("/jobs", summary="My jobs, newest first")
async def list_jobs(
    user_id: NamedDependency[str],
    conn: NamedDependency[Connections],
    limit: Annotated[int, QueryParameter(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, QueryParameter(max_length=2000, required=False)] = None,
) -> JobPage:
    if cursor:
        _check_cursor(cursor, user_id)
    jobs, next_cursor = await conn.ledger.list_jobs(user_id, limit=limit, cursor=cursor or None)
    return JobPage(jobs=[job_summary(job) for job in jobs], next_cursor=next_cursor)


@post("/jobs/{job_id:str}/cancel", status_code=200, summary="Cancel a job", responses={**JOB_NOT_FOUND, **JOB_CONFLICT})
async def cancel_job(
    job_id: FromPath[str],
    user_id: NamedDependency[str],
    conn: NamedDependency[Connections],
    settings: NamedDependency[Settings],
) -> JobView:
    job = await owned_job(conn, user_id, job_id)
    if job.terminal or not await conn.ledger.cancel_job(job):
        raise ClientException(status_code=409, detail=f"the job has already ended ({job.status})")
    await conn.bus.publish(job.event("job.cancelled"))
    return await job_view(await owned_job(conn, user_id, job_id), conn.storage, presign_ttl_s=settings.presign_ttl_s)


@post(
    "/jobs/{job_id:str}/retry",
    status_code=202,
    summary="Retry a failed job from its failed stage(s)",
    responses={**JOB_NOT_FOUND, **JOB_CONFLICT, **TOO_MANY_JOBS},
)
async def retry_job(
    job_id: FromPath[str],
    user_id: NamedDependency[str],
    conn: NamedDependency[Connections],
    settings: NamedDependency[Settings],
) -> JobView:
    job = await owned_job(conn, user_id, job_id)
    try:
        reset = await resume_failed_job(conn.ledger, conn.bus, conn.storage, job, max_active=settings.max_active_jobs)
    except TooManyActiveJobs as exc:
        raise too_many_active_jobs(settings) from exc
    if reset is None:
        raise ClientException(status_code=409, detail=f"only a failed job can be retried (this one is {job.status})")
    return await job_view(reset, conn.storage, presign_ttl_s=settings.presign_ttl_s)

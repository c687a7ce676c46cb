"""Live progress as server-sent events, bounded: a stream token instead of the key in the URL, a few streams
per user, a maximum lifetime, and one shared ledger poll per job.

`POST /jobs/{id}/stream-token` (key in the Authorization header) returns a short-lived token for one
job; `GET /jobs/{id}/events?token=…` streams (the Authorization header works too, for non-browser
clients). The stream sends a `status` event per change and `end` when the job ends; after
`sse_max_lifetime_s` it sends `reconnect` with a `retry:` hint and closes, and the client opens a new one.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Annotated, Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.exceptions import HTTPException, NotAuthorizedException
from litestar.params import FromPath, QueryParameter
from litestar.response import ServerSentEvent, ServerSentEventMessage
from pydantic import BaseModel

from services.gateway.auth import authenticate, bearer_token
from services.gateway.errors import JOB_NOT_FOUND, error_spec
from services.gateway.progress_hub import ProgressHub, TooManyStreams
from services.gateway.routes.jobs import owned_job
from services.gateway.schemas import JobProgress
from services.gateway.stream_tokens import StreamTokens
from services.gateway.views import stage_views
from shared.config import Settings
from shared.connections import Connections
from shared.job import Job
from shared.user_errors import user_facing_reason

KEEPALIVE_S = 15.0
RECONNECT_MS = 3000


class StreamToken(BaseModel):
    token: str
    expires_in_s: int


class TooManyStreamsError(HTTPException):
    status_code = 429


def snapshot(job: Job) -> str:
    """The JSON sent per change: status, progress and each stage's status, attempts and timing."""
    return JobProgress(
        job_id=job.job_id,
        status=job.status,
        progress=job.progress,
        error_stage=job.error_stage if job.status == "failed" else None,
        error_reason=user_facing_reason(job) if job.status == "failed" else None,
        stages=stage_views(job),
    ).model_dump_json()


def _signature(job: Job) -> tuple[object, ...]:
    return (job.status, job.progress, tuple((name, s.status, s.attempts) for name, s in sorted(job.stages.items())))


async def progress_messages(
    hub: ProgressHub, job: Job, *, user_id: str, lifetime_s: float
) -> AsyncIterator[ServerSentEventMessage]:
    """The stream's events; holds one of the user's stream places until it ends, however it ends."""
    deadline = time.monotonic() + lifetime_s
    last: tuple[object, ...] | None = None
    try:
        async for seen in hub.follow(job, wait_s=min(KEEPALIVE_S, lifetime_s)):
            if seen is None:
                yield ServerSentEventMessage(comment="keep-alive")
            elif (signature := _signature(seen)) != last:
                yield ServerSentEventMessage(data=snapshot(seen), event="status", id=seen.updated_at)
                last = signature
            if seen is not None and seen.terminal:
                yield ServerSentEventMessage(data=snapshot(seen), event="end")
                return
            if time.monotonic() >= deadline:
                yield ServerSentEventMessage(
                    data="stream lifetime reached: open a new stream", event="reconnect", retry=RECONNECT_MS
                )
                return
    finally:
        hub.release(user_id)


async def _stream_user(request: Request[Any, Any, Any], job_id: str, token: str | None) -> str:
    """The user behind a stream token for this job, or behind an API key in the Authorization header."""
    tokens: StreamTokens = request.app.state.stream_tokens
    if token and (user_id := tokens.user_for(token, job_id)) is not None:
        return user_id
    if bearer_token(request.headers.get("authorization")):
        return await authenticate(request)
    raise NotAuthorizedException(
        detail="a stream token (?token=, from POST …/stream-token) or an API key header is required",
        headers={"WWW-Authenticate": 'Bearer realm="pharmagen"'},
    )


@post(
    "/jobs/{job_id:str}/stream-token",
    status_code=201,
    summary="A short-lived token for this job's progress stream (so the API key never goes in a URL)",
    responses=JOB_NOT_FOUND,
)
async def stream_token(
    request: Request[Any, Any, Any],
    job_id: FromPath[str],
    user_id: NamedDependency[str],
    conn: NamedDependency[Connections],
) -> StreamToken:
    await owned_job(conn, user_id, job_id)
    tokens: StreamTokens = request.app.state.stream_tokens
    return StreamToken(token=tokens.issue(user_id, job_id), expires_in_s=tokens.ttl_s)


@get(
    "/jobs/{job_id:str}/events",
    summary="Live progress (server-sent events); authenticate with ?token= from stream-token, or a key header",
    responses={**JOB_NOT_FOUND, 429: error_spec("Too many progress streams for this user")},
)
async def job_events(
    request: Request[Any, Any, Any],
    job_id: FromPath[str],
    conn: NamedDependency[Connections],
    settings: NamedDependency[Settings],
    token: Annotated[str | None, QueryParameter(required=False, max_length=500)] = None,
) -> ServerSentEvent:
    user_id = await _stream_user(request, job_id, token)
    job = await owned_job(conn, user_id, job_id)
    hub: ProgressHub = request.app.state.progress_hub
    try:
        hub.reserve(user_id)
    except TooManyStreams as exc:
        raise TooManyStreamsError(
            detail=f"at most {hub.max_per_user} progress streams per user; close one first",
            headers={"Retry-After": str(RECONNECT_MS // 1000)},
        ) from exc
    return ServerSentEvent(progress_messages(hub, job, user_id=user_id, lifetime_s=settings.sse_max_lifetime_s))

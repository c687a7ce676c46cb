"""POST /generate: validate, write the ledger (the job and its pending publish), publish job.submitted, answer 202."""

from __future__ import annotations

import uuid
from typing import Annotated

import structlog
from litestar import Response, post
from litestar.di import NamedDependency
from litestar.exceptions import ClientException, ValidationException
from litestar.params import HeaderParameter, JSONBody

from services.gateway.body import require_json_body
from services.gateway.errors import (
    JSON_BODY,
    TOO_MANY_JOBS,
    error_spec,
    too_many_active_jobs,
)
from services.gateway.pricing import estimate_for
from services.gateway.request_assets import refuse_unready_assets
from services.gateway.schemas import GenerateRequest, SubmitResponse, request_hash
from services.gateway.views import links_for
from shared.config import Settings
from shared.connections import Connections
from shared.events import new_correlation_id
from shared.job import Job
from shared.ledger import IdempotencyConflict, TooManyActiveJobs
from shared.outbox_relay import publish_submitted
from shared.webhook_target import WebhookPolicy, WebhookRefused, check_at_submit


def _still_waiting(job: Job) -> bool:
    return job.status == "queued" and job.stage("script").status == "pending"


async def _refuse_unsafe_webhook(url: str, settings: Settings) -> None:
    """A 422 naming `webhook_url` when the notifier would refuse to deliver there (SSRF policy)."""
    policy = WebhookPolicy.for_env(settings.env, allow_private=settings.webhook_allow_private)
    try:
        await check_at_submit(url, policy)
    except WebhookRefused as exc:
        message = f"webhook_url {exc}"
        raise ValidationException(detail=message, extra=[{"key": "webhook_url", "message": message}]) from exc


@post(
    "/generate",
    status_code=202,
    before_request=require_json_body,
    summary="Submit a brief",
    responses={
        **JSON_BODY,
        **TOO_MANY_JOBS,
        409: error_spec("Idempotency-Key reused with a different body"),
        422: error_spec("Invalid field(s)"),
    },
)
async def generate(
    data: JSONBody[GenerateRequest],
    user_id: NamedDependency[str],
    conn: NamedDependency[Connections],
    settings: NamedDependency[Settings],
    idempotency_key: Annotated[
        str | None, HeaderParameter(name="Idempotency-Key", min_length=1, max_length=200, required=False)
    ] = None,
) -> Response[SubmitResponse]:
    """Queues a job; the same Idempotency-Key with the same body returns the first job (202 again)."""
    request = data.to_request()
    if request.webhook_url is not None:
        await _refuse_unsafe_webhook(str(request.webhook_url), settings)
    await refuse_unready_assets(request, user_id, conn)
    try:
        job, created = await conn.ledger.create_job(
            job_id=uuid.uuid4().hex,
            user_id=user_id,
            request=request,
            correlation_id=new_correlation_id(),
            idempotency_key=idempotency_key,
            request_hash=request_hash(request) if idempotency_key else None,
            max_active=settings.max_active_jobs,
            estimate=estimate_for(request, settings),
        )
    except TooManyActiveJobs as exc:
        raise too_many_active_jobs(settings) from exc
    except IdempotencyConflict as exc:
        raise ClientException(
            status_code=409, detail="this Idempotency-Key was already used with a different request body"
        ) from exc
    # The ledger write recorded the publish as pending (the outbox): publish now and clear it. Should this
    # fail or the process die here, the outbox relay publishes later. A repeat re-publishes while the job
    # still waits: harmless (same event id) and it heals a lost publish.
    if created or _still_waiting(job):
        try:
            await publish_submitted(conn.ledger, conn.bus, job)
        except Exception as exc:  # the job is safely recorded: the relay will publish it
            structlog.get_logger().warning(
                "submit.publish_deferred", job_id=job.job_id, reason=f"{type(exc).__name__}: {exc}"[:300]
            )
    links = links_for(job.job_id)
    return Response(
        SubmitResponse(job_id=job.job_id, status=job.status, links=links, estimate=job.estimate),
        status_code=202,
        headers={"Location": links.self},
    )

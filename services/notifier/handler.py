"""The notifier's handler: tells a job's `webhook_url` it completed, failed or was cancelled.

Consumes job.completed / job.failed / job.cancelled. Each POST is signed (webhook_signing) and
retried a few times in the handler; then `TransientError` hands it back to SQS for redelivery.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import stamina

from services.notifier.webhook import POST_TIMEOUT_S, ReceiverUnavailable, deliver
from shared.config import Settings
from shared.errors import TransientError
from shared.events import Event, JobCompletedPayload
from shared.job import Job
from shared.stage import SideHandler, StageContext
from shared.storage import Storage
from shared.topology import COMPLETING_STAGE

ATTEMPTS = 3
BACKOFF_BASE_S = 0.5


async def notification(event: Event, job: Job, storage: Storage, *, presign_ttl_s: int) -> dict[str, Any]:
    """The JSON body: what happened, and for a completed job short-lived links to its outputs."""
    body: dict[str, Any] = {
        "event_type": event.event_type,
        "event_id": event.event_id,
        "job_id": job.job_id,
        "status": job.status,
        "occurred_at": event.occurred_at.isoformat(),
    }
    if job.status == "failed":
        body["error"] = {"stage": job.error_stage, "reason": job.error_reason}
    outputs = {}
    for name in ("video_key", "thumbnail_key", "captions_key"):
        if key := job.outputs.get(name):
            outputs[name.removesuffix("_key") + "_url"] = await storage.presign_get(key, ttl_s=presign_ttl_s)
    if outputs:
        body["outputs"] = outputs
    completed = job.output(COMPLETING_STAGE.name, JobCompletedPayload)
    if completed is not None and completed.compliance is not None:
        # passed, failing and warning rule ids; the full report via the API
        body["compliance"] = completed.compliance.model_dump(mode="json")
    return body


def build_handler(
    settings: Settings, transport: httpx.AsyncBaseTransport | None = None, *, backoff_base_s: float = BACKOFF_BASE_S
) -> SideHandler:
    secret = settings.webhook_secret.get_secret_value()

    async def handle(event: Event, ctx: StageContext) -> None:
        url = ctx.job.request.webhook_url
        if url is None:
            return
        body = json.dumps(await notification(event, ctx.job, ctx.storage, presign_ttl_s=settings.presign_ttl_s))
        async with httpx.AsyncClient(transport=transport, timeout=POST_TIMEOUT_S) as client:
            retrying = stamina.retry_context(
                on=ReceiverUnavailable,
                attempts=ATTEMPTS,
                timeout=None,
                wait_initial=backoff_base_s,
                wait_jitter=backoff_base_s,
                wait_max=10.0,
            )
            try:
                async for attempt in retrying:
                    with attempt:
                        status = await deliver(client, str(url), body, secret=secret, event_id=event.event_id)
            except ReceiverUnavailable as exc:
                raise TransientError(f"webhook not delivered: {exc}") from exc
        # A 4xx is the receiver refusing this notification: redelivering it would not change that.
        ctx.log.info("webhook.delivered" if status < 400 else "webhook.refused", status=status)

    return handle

"""The webhook notifier: a side stage that tells a job's `webhook_url` it completed, failed or was cancelled.

Consumes job.completed / job.failed / job.cancelled. Each POST is signed (webhook_signing) and
retried a few times in the handler; then `TransientError` hands it back to SQS for redelivery.
Run as `python -m services.gateway.notifier`.
"""

from __future__ import annotations

import json
import time
from typing import Any

import httpx
import stamina

from services.gateway.webhook_signing import EVENT_ID_HEADER, SIGNATURE_HEADER, sign
from shared.config import Settings
from shared.errors import TransientError
from shared.events import Event
from shared.job import Job
from shared.stage import SideHandler, StageContext
from shared.storage import Storage

ATTEMPTS = 3
BACKOFF_BASE_S = 0.5
TIMEOUT_S = 10.0


class ReceiverUnavailable(Exception):
    """The receiver timed out or answered 408, 429 or 5xx: worth trying again."""


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
    if summary := job.payload_of("composer").get("compliance"):
        body["compliance"] = summary  # passed, failing and warning rule ids; the full report via the API
    return body


async def deliver(client: httpx.AsyncClient, url: str, body: str, *, secret: str, event_id: str) -> int:
    """One signed POST; returns the status, raising `ReceiverUnavailable` when a retry may help."""
    headers = {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: sign(body, secret=secret, timestamp=int(time.time())),
        EVENT_ID_HEADER: event_id,
    }
    try:
        response = await client.post(url, content=body.encode(), headers=headers)
    except httpx.TransportError as exc:
        raise ReceiverUnavailable(f"{type(exc).__name__}: {exc}") from exc
    if response.status_code in {408, 429} or response.status_code >= 500:
        raise ReceiverUnavailable(f"receiver answered {response.status_code}")
    return response.status_code


def build_handler(
    settings: Settings, transport: httpx.AsyncBaseTransport | None = None, *, backoff_base_s: float = BACKOFF_BASE_S
) -> SideHandler:
    secret = settings.webhook_secret.get_secret_value()

    async def handle(event: Event, ctx: StageContext) -> None:
        url = ctx.job.request.webhook_url
        if url is None:
            return
        body = json.dumps(await notification(event, ctx.job, ctx.storage, presign_ttl_s=settings.presign_ttl_s))
        async with httpx.AsyncClient(transport=transport, timeout=TIMEOUT_S) as client:
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


def main() -> None:
    from shared.worker import run_stage

    run_stage("notifier", build_handler)


if __name__ == "__main__":
    main()

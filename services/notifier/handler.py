"""The notifier's handler: tells a job's `webhook_url` it completed, failed, was cancelled, or awaits approval.

Consumes job.completed / job.failed / job.cancelled / job.awaiting_approval. Each POST is signed with the owner's
secret by the Standard Webhooks scheme (`webhook-id`, `webhook-timestamp`, `webhook-signature`; the
`standardwebhooks` package, `webhook_signing`), so receivers verify with a library they already have.
Delivery is `webhook` (SSRF policy again, pinned address, capped answer, deadline); a few retries
here, then `TransientError` hands the message back to SQS for redelivery.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from typing import Any

import httpx
import stamina

from services.notifier.webhook import ReceiverUnavailable, post_webhook
from services.notifier.webhook_signing import signed_headers
from shared.aws import async_client
from shared.config import Settings
from shared.errors import PermanentError, TransientError
from shared.events import Event
from shared.job import Job
from shared.payloads import JobAwaitingApprovalPayload, JobCompletedPayload
from shared.stage import SideHandler, StageContext
from shared.storage import Storage
from shared.topology import COMPLETING_STAGE, KEYS_TABLE, webhook_key_alias
from shared.user_errors import user_facing_reason
from shared.webhook_secrets import WebhookSecrets
from shared.webhook_target import WebhookPolicy, WebhookRefused

ATTEMPTS = 3
BACKOFF_BASE_S = 0.5

SecretFor = Callable[[str], Awaitable[str]]


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
        body["error"] = {"stage": job.error_stage, "reason": user_facing_reason(job)}
    if isinstance(event.payload, JobAwaitingApprovalPayload):
        # A review job's storyboard is ready: where to review it, and when it expires unapproved.
        body["storyboard_url"] = f"/api/v1/jobs/{job.job_id}/storyboard"
        body["expires_at"] = event.payload.expires_at.isoformat() if event.payload.expires_at else None
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


def stored_secrets(settings: Settings) -> SecretFor:
    """The owner's secret from the key store (KMS-decrypted), through clients opened on first use and kept."""
    stack = AsyncExitStack()
    store: list[WebhookSecrets] = []

    async def secret_for(user_id: str) -> str:
        if not store:
            dynamodb = await stack.enter_async_context(async_client(settings, "dynamodb"))
            kms = await stack.enter_async_context(async_client(settings, "kms"))
            key_id = settings.webhook_kms_key_id or webhook_key_alias(settings.resource_prefix)
            store.append(WebhookSecrets(dynamodb, kms, table=settings.name(KEYS_TABLE), kms_key_id=key_id))
        secret = await store[0].get(user_id)
        if secret is None and settings.env == "dev":
            # A development user (PHARMAGEN_API_KEYS) has no secret yet: make one; `keys rotate-webhook-secret`
            # shows a fresh one. Outside dev every user got theirs with their first key.
            await store[0].create_if_missing(user_id)
            secret = await store[0].get(user_id)
        if secret is None:
            # Every user gets one with their first key; without it nothing may be signed (never a shared default).
            raise PermanentError("no webhook signing secret exists for this user (pharmagen-ops keys)")
        return secret

    return secret_for


def build_handler(
    settings: Settings,
    transport: httpx.AsyncBaseTransport | None = None,
    *,
    backoff_base_s: float = BACKOFF_BASE_S,
    secret_for: SecretFor | None = None,
) -> SideHandler:
    lookup = secret_for or stored_secrets(settings)
    policy = WebhookPolicy.for_env(settings.env, allow_private=settings.webhook_allow_private)

    async def handle(event: Event, ctx: StageContext) -> None:
        url = ctx.job.request.webhook_url
        if url is None:
            return
        body = json.dumps(await notification(event, ctx.job, ctx.storage, presign_ttl_s=settings.presign_ttl_s))
        secret = await lookup(ctx.job.user_id)

        async def deliver() -> int:
            headers = signed_headers(body, secret=secret, message_id=event.event_id)
            return await post_webhook(
                str(url),
                body.encode(),
                headers,
                policy=policy,
                transport=transport,
                deadline_s=settings.webhook_deadline_s,
            )

        retrying = stamina.retry_context(
            on=ReceiverUnavailable,
            attempts=ATTEMPTS,
            timeout=None,
            wait_initial=backoff_base_s,
            wait_jitter=backoff_base_s,
            wait_max=10.0,
        )
        status = 0
        try:
            async for attempt in retrying:
                with attempt:
                    status = await deliver()
        except WebhookRefused as exc:
            ctx.log.warning("webhook.refused_target", reason=str(exc))
            raise PermanentError(f"webhook_url {exc}") from exc
        except ReceiverUnavailable as exc:
            raise TransientError(f"webhook not delivered: {exc}") from exc
        # A 4xx (or a redirect, never followed) is the receiver refusing: redelivering would not change that.
        ctx.log.info("webhook.delivered" if status < 300 else "webhook.refused", status=status)

    return handle

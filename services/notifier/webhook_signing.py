"""Webhook signatures by the Standard Webhooks scheme (`webhook-id`, `webhook-timestamp`, `webhook-signature`).

Signed with the `standardwebhooks` package and the job owner's own `whsec_` secret, so a receiver
verifies with a Standard Webhooks library it already has (no hand-written verifier).
"""

from __future__ import annotations

from datetime import UTC, datetime

from standardwebhooks import Webhook


def signed_headers(body: str, *, secret: str, message_id: str, at: datetime | None = None) -> dict[str, str]:
    """The Standard Webhooks headers for `body` (the message id is the event id: receivers deduplicate on it)."""
    timestamp = at or datetime.now(UTC)
    return {
        "Content-Type": "application/json",
        "webhook-id": message_id,
        "webhook-timestamp": str(int(timestamp.timestamp())),
        "webhook-signature": Webhook(secret).sign(message_id, timestamp, body),
    }

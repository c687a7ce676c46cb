"""One signed POST of a notification to a receiver, and what in its answer is worth retrying."""

from __future__ import annotations

import time

import httpx

from services.notifier.webhook_signing import EVENT_ID_HEADER, SIGNATURE_HEADER, sign

POST_TIMEOUT_S = 10.0


class ReceiverUnavailable(Exception):
    """The receiver timed out or answered 408, 429 or 5xx: worth trying again."""


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

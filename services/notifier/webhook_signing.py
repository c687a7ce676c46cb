"""Webhook signatures: HMAC-SHA256 over `f"{timestamp}.{body}"`, sent as `PharmaGen-Signature: t=<ts>,v1=<hex>`.

`verify` is written to be copied into a receiver: it needs only the standard library.
"""

from __future__ import annotations

import hashlib
import hmac
import time

SIGNATURE_HEADER = "PharmaGen-Signature"
EVENT_ID_HEADER = "PharmaGen-Event-Id"
DEFAULT_TOLERANCE_S = 300


def sign(body: str, *, secret: str, timestamp: int) -> str:
    """The header value for `body` sent at `timestamp` (unix seconds)."""
    digest = hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify(
    body: str, header: str, *, secret: str, tolerance_s: int = DEFAULT_TOLERANCE_S, now: float | None = None
) -> bool:
    """True when `header` signs `body` with `secret` and is no older than `tolerance_s` (replays are refused)."""
    parts = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs((time.time() if now is None else now) - timestamp) > tolerance_s:
        return False
    expected = hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts.get("v1", ""))

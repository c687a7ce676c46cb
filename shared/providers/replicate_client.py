"""Building the Replicate SDK client, and reading what its errors mean (throttled, transient, permanent).

The SDK turns an HTTP error into `ReplicateError` without its headers, so a response hook
raises `Throttled` carrying the server's `Retry-After` for 429s first. It never retries a POST.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import httpx
from replicate.client import Client
from replicate.exceptions import ReplicateError

from shared.config import Settings
from shared.errors import PermanentError

_REQUEST_TIMEOUT = httpx.Timeout(10.0, read=30.0, write=30.0, connect=5.0, pool=10.0)
_HINT_IN_BODY = re.compile(r"(?:in ~?|available in )(\d+(?:\.\d+)?) ?s", re.IGNORECASE)


class Throttled(Exception):
    """Replicate answered 429; `retry_after_s` is the server's hint when it gave one."""

    def __init__(self, retry_after_s: float | None, detail: str = "") -> None:
        super().__init__(f"Replicate throttled the request{f': {detail}' if detail else ''}")
        self.retry_after_s = retry_after_s


def _retry_after_s(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after", "")
    try:
        return float(value) if value else None
    except ValueError:
        return None


async def _raise_throttled(response: httpx.Response) -> None:
    if response.status_code == 429:
        await response.aread()
        detail = response.text[:200]
        hint = _retry_after_s(response)
        if hint is None and (match := _HINT_IN_BODY.search(detail)):
            hint = float(match.group(1))
        raise Throttled(hint, detail)


REPLICATE_HOSTS = ("replicate.com",)  # api.replicate.com and its subdomains
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")  # the test fakes


def token_may_go_to(base_url: str) -> bool:
    """The token is sent only over https to Replicate's own hosts (or to a fake on this machine)."""
    parts = urlsplit(base_url)
    host = (parts.hostname or "").lower()
    if parts.scheme == "https" and any(host == h or host.endswith(f".{h}") for h in REPLICATE_HOSTS):
        return True
    return parts.scheme in ("http", "https") and host in LOOPBACK_HOSTS


def replicate_client(settings: Settings) -> Client:
    """An SDK client for the configured token and base URL (a fake server in tests)."""
    if settings.replicate_api_token is None:
        raise PermanentError("Replicate is selected but no Replicate API token is configured")
    base_url = settings.replicate_base_url or "https://api.replicate.com"
    if not token_may_go_to(base_url):
        raise PermanentError(
            f"REPLICATE_BASE_URL={base_url!r}: the Replicate token is only sent over https to Replicate's hosts"
        )
    kwargs: dict[str, Any] = {"event_hooks": {"response": [_raise_throttled]}}
    return Client(
        api_token=settings.replicate_api_token.get_secret_value(),
        base_url=settings.replicate_base_url or None,
        timeout=_REQUEST_TIMEOUT,
        **kwargs,
    )


def is_retryable(error: BaseException) -> bool:
    """Worth another try: throttling, a 5xx, or a connection that never reached the server."""
    if isinstance(error, Throttled | httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout):
        return True
    return isinstance(error, ReplicateError) and (error.status == 429 or (error.status or 0) >= 500)


def retry_hint_s(error: BaseException) -> float | None:
    """The server's wait: `Retry-After` when our hook saw it, else a figure in the 429 body's words."""
    if isinstance(error, Throttled):
        return error.retry_after_s
    match = _HINT_IN_BODY.search(error.detail or "") if isinstance(error, ReplicateError) else None
    if isinstance(error, ReplicateError) and error.status == 429 and match:
        return float(match.group(1))
    return None


def describe(error: ReplicateError) -> str:
    return " ".join(part for part in (error.title, error.detail) if part) or f"HTTP {error.status}"

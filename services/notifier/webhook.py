"""One webhook POST, safe against the receiver: the SSRF policy checked again at delivery, the connection
made to the address that was checked, no redirects, the answer read streamed and capped, and the
whole exchange bounded by a deadline.

A receiver that answers 200 MiB, trickles bytes, or never answers costs one delivery at most
`deadline_s` and `max_response_bytes` of memory; it cannot stall other deliveries or grow the process.
"""

from __future__ import annotations

import asyncio

import httpx

from shared.webhook_target import WebhookPolicy, check_webhook_url

MAX_RESPONSE_BYTES = 64 * 1024
DEADLINE_S = 10.0


class ReceiverUnavailable(Exception):
    """The receiver timed out, failed the connection, or answered 408, 429 or 5xx: worth trying again."""


async def _post(
    client: httpx.AsyncClient, url: str, body: bytes, headers: dict[str, str], *, policy: WebhookPolicy, cap: int
) -> int:
    headers = {**headers, "Accept-Encoding": "identity"}  # the cap counts bytes on the wire: nothing to inflate
    extensions: dict[str, str] = {}
    if not policy.allow_private:
        target = await check_webhook_url(url, policy)  # again at delivery: DNS may have changed since submit
        url = target.connect_url()
        headers = {**headers, "Host": target.host_header()}
        extensions["sni_hostname"] = target.host  # TLS checks the name the user gave, not the address
    async with client.stream("POST", url, content=body, headers=headers, extensions=extensions) as response:
        read = 0
        async for chunk in response.aiter_raw():
            read += len(chunk)
            if read >= cap:
                break  # enough: the status is all that matters, the rest is never read
        return response.status_code


async def post_webhook(
    url: str,
    body: bytes,
    headers: dict[str, str],
    *,
    policy: WebhookPolicy,
    transport: httpx.AsyncBaseTransport | None = None,
    deadline_s: float = DEADLINE_S,
    max_response_bytes: int = MAX_RESPONSE_BYTES,
) -> int:
    """POSTs `body`; the receiver's status. `WebhookRefused` when the policy forbids the URL (do not retry),
    `ReceiverUnavailable` when trying again later may help."""
    timeout = httpx.Timeout(deadline_s)
    async with httpx.AsyncClient(transport=transport, timeout=timeout, follow_redirects=False, trust_env=False) as c:
        try:
            async with asyncio.timeout(deadline_s):
                status = await _post(c, url, body, headers, policy=policy, cap=max_response_bytes)
        except TimeoutError as exc:
            raise ReceiverUnavailable(f"no complete answer within {deadline_s:g}s") from exc
        except httpx.TransportError as exc:
            raise ReceiverUnavailable(f"{type(exc).__name__}: {exc}") from exc
    if status in {408, 429} or status >= 500:
        raise ReceiverUnavailable(f"receiver answered {status}")
    return status

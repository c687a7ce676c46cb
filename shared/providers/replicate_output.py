"""Fetching a prediction's file output to a local path, whatever shape it came back in — safely.

Output may be a URL string, a `data:` URI, a `FileOutput` (its `.url` is read; the SDK's own reader
would send our token), or a list of those (the first is taken). The Replicate token is never sent
with a download: output URLs are signed delivery links, and a URL a model returns may point
anywhere. Downloads are size-capped (`output_max_bytes`) and time-bounded (`output_download_s`).
"""

from __future__ import annotations

import asyncio
import base64
from pathlib import Path
from typing import Any

import httpx
import stamina

from shared.config import Settings
from shared.errors import PermanentError, TransientError

_CONNECT_S = 5.0


class OutputTooLarge(PermanentError):
    """The model's output is larger than this deployment accepts."""


def first_file(output: Any) -> Any:
    """The file a single-file model produced: the output itself, or the first item of a list."""
    if isinstance(output, list | tuple):
        if not output:
            raise TransientError("the prediction succeeded with an empty output list")
        return output[0]
    return output


def _decode_data_uri(uri: str, max_bytes: int) -> bytes:
    header, _, payload = uri.partition(",")
    if len(payload) * 3 // 4 > max_bytes:
        raise OutputTooLarge(f"the model's output is larger than {max_bytes} bytes")
    return base64.b64decode(payload) if header.endswith(";base64") else payload.encode()


async def _fetch(url: str, out: Path, max_bytes: int, timeout_s: float) -> None:
    timeout = httpx.Timeout(timeout_s, connect=_CONNECT_S)
    async with httpx.AsyncClient(timeout=timeout, follow_redirects=True) as http, http.stream("GET", url) as response:
        if response.status_code in (401, 403, 404, 410):
            raise PermanentError(f"the model's output file could not be fetched (HTTP {response.status_code})")
        response.raise_for_status()
        declared = int(response.headers.get("content-length") or 0)
        if declared > max_bytes:
            raise OutputTooLarge(f"the model's output is larger than {max_bytes} bytes ({declared})")
        received = 0
        with out.open("wb") as sink:
            async for chunk in response.aiter_bytes():
                received += len(chunk)
                if received > max_bytes:
                    raise OutputTooLarge(f"the model's output is larger than {max_bytes} bytes")
                sink.write(chunk)


async def download_output(output: Any, out: Path, *, settings: Settings) -> Path:
    """Write the prediction's (first) output file to `out`; transient network trouble is retried."""
    item = first_file(output)
    url = str(getattr(item, "url", item))
    max_bytes = settings.output_max_bytes
    if url.startswith("data:"):
        out.write_bytes(_decode_data_uri(url, max_bytes))
        return out
    if not url.startswith(("http://", "https://")):
        raise PermanentError(f"the model returned something that is not a file: {url[:80]!r}")
    timeout_s = settings.output_download_s
    try:
        retrying = stamina.retry_context(
            on=(httpx.TransportError, httpx.HTTPStatusError),
            attempts=3,
            timeout=None,
            wait_initial=0.5,
            wait_jitter=0.5,
            wait_max=5.0,
        )
        async for attempt in retrying:
            with attempt:
                await asyncio.wait_for(_fetch(url, out, max_bytes, timeout_s), timeout_s)  # a whole download
    except (httpx.HTTPError, TimeoutError) as error:
        raise TransientError(f"could not download the model's output: {type(error).__name__} {error}") from error
    return out

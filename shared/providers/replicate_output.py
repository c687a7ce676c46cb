"""Fetching a prediction's file output to a local path, whatever shape it came back in.

Output may be a URL string (http URLs stay strings in the SDK), a `data:` URI, a `FileOutput`,
or a list of those (the first is taken). Replicate wants the Bearer token on file downloads.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import httpx
import stamina

from shared.errors import PermanentError, TransientError

_DOWNLOAD_TIMEOUT = httpx.Timeout(60.0, connect=5.0)


def first_file(output: Any) -> Any:
    """The file a single-file model produced: the output itself, or the first item of a list."""
    if isinstance(output, list | tuple):
        if not output:
            raise TransientError("the prediction succeeded with an empty output list")
        return output[0]
    return output


def _decode_data_uri(uri: str) -> bytes:
    header, _, payload = uri.partition(",")
    return base64.b64decode(payload) if header.endswith(";base64") else payload.encode()


async def _fetch(url: str, token: str | None, out: Path) -> None:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with (
        httpx.AsyncClient(timeout=_DOWNLOAD_TIMEOUT, follow_redirects=True) as http,
        http.stream("GET", url, headers=headers) as response,
    ):
        if response.status_code in (401, 403, 404, 410):
            raise PermanentError(f"the model's output file could not be fetched (HTTP {response.status_code})")
        response.raise_for_status()
        with out.open("wb") as sink:
            async for chunk in response.aiter_bytes():
                sink.write(chunk)


async def download_output(output: Any, out: Path, *, token: str | None) -> Path:
    """Write the prediction's (first) output file to `out`; transient network trouble is retried."""
    item = first_file(output)
    if hasattr(item, "aread"):  # replicate.helpers.FileOutput
        out.write_bytes(await item.aread())
        return out
    url = str(item)
    if url.startswith("data:"):
        out.write_bytes(_decode_data_uri(url))
        return out
    if not url.startswith(("http://", "https://")):
        raise PermanentError(f"the model returned something that is not a file: {url[:80]!r}")
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
                await _fetch(url, token, out)
    except httpx.HTTPError as error:
        raise TransientError(f"could not download the model's output: {error}") from error
    return out

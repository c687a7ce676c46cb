"""Security headers on the web page: a Content-Security-Policy that lets it load only its own script and style,
talk only to its own API, and show media only from the storage it presigns URLs for.

The page's script sets no inline handlers and builds the DOM with textContent, so 'self' suffices;
a field value that smuggled markup into the page could not run or phone home.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from litestar import Response

from shared.config import Settings

AfterRequest = Callable[[Response[object]], Awaitable[Response[object]]]


def content_security_policy(settings: Settings) -> str:
    """The page's policy; media may come from https (presigned S3 URLs) and, locally, the emulator's endpoint."""
    media = ["'self'", "blob:", "https:"]
    if settings.aws_endpoint_url:
        parts = urlsplit(settings.aws_endpoint_url)
        media.append(f"{parts.scheme}://{parts.netloc}")
    sources = " ".join(media)
    return "; ".join(
        [
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "connect-src 'self'",
            f"img-src {sources} data:",
            f"media-src {sources}",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
            "object-src 'none'",
        ]
    )


def security_headers(settings: Settings) -> AfterRequest:
    policy = content_security_policy(settings)

    async def add(response: Response[object]) -> Response[object]:
        response.headers["Content-Security-Policy"] = policy
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    return add

"""Security headers on the web page: a Content-Security-Policy that lets it load only its own script and style,
talk only to its own API and post uploads only to the assets bucket, and show media only from the storage it
presigns URLs for.

The page's script sets no inline handlers and builds the DOM with textContent, so 'self' suffices;
a field value that smuggled markup into the page could not run or phone home.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from litestar import Response

from shared.config import Settings
from shared.topology import ASSETS_BUCKET

AfterRequest = Callable[[Response[object]], Awaitable[Response[object]]]


def upload_origins(settings: Settings) -> list[str]:
    """Where the page may POST a presigned upload: the assets bucket on S3, or locally the emulator's endpoint."""
    if settings.aws_endpoint_url:
        parts = urlsplit(settings.aws_endpoint_url)
        return [f"{parts.scheme}://{parts.netloc}"]
    bucket = settings.name(ASSETS_BUCKET)
    return [f"https://{bucket}.s3.amazonaws.com", f"https://{bucket}.s3.{settings.aws_region}.amazonaws.com"]


def content_security_policy(settings: Settings) -> str:
    """The page's policy; media may come from https (presigned S3 URLs) and, locally, the emulator's endpoint."""
    media = ["'self'", "blob:", "https:"]
    if settings.aws_endpoint_url:
        parts = urlsplit(settings.aws_endpoint_url)
        media.append(f"{parts.scheme}://{parts.netloc}")
    sources = " ".join(media)
    connect = " ".join(["'self'", *upload_origins(settings)])
    return "; ".join(
        [
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            f"connect-src {connect}",
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

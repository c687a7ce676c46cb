"""A user's uploaded assets (product photos, logo, font): kinds, limits, S3 keys, and the accessor stages use.

An asset is uploaded to `users/{user}/assets/{id}/upload` through a presigned POST; once its bytes pass the
checks (`shared.asset_checks`) exactly those bytes are written to `users/{user}/assets/{id}/ready`, a key no
upload form can write. Stages only ever read the ready key, so a re-upload after the check changes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from shared.storage import Storage

AssetKindName = Literal["product_photo", "logo", "font"]
AssetStatus = Literal["pending", "ready", "rejected"]
AssetFormat = Literal["png", "jpeg", "webp", "svg", "ttf", "otf"]

ASSET_ID = re.compile(r"^[0-9a-f]{32}$")


@dataclass(frozen=True)
class AssetKindRule:
    """What one kind of asset may be: its formats (each with the content type it must be declared as) and size."""

    formats: dict[AssetFormat, tuple[str, ...]]
    max_bytes: int
    min_side_px: int = 0  # a raster image's shorter side, at the least (a model or the end card scales it up)

    @property
    def content_types(self) -> tuple[str, ...]:
        return tuple(ct for cts in self.formats.values() for ct in cts)


_FONT_TYPES = ("font/sfnt", "application/font-sfnt", "application/octet-stream")
ASSET_RULES: dict[AssetKindName, AssetKindRule] = {
    "product_photo": AssetKindRule(
        {"png": ("image/png",), "jpeg": ("image/jpeg",), "webp": ("image/webp",)},
        max_bytes=10 * 1024 * 1024,
        min_side_px=200,
    ),
    "logo": AssetKindRule(
        {"png": ("image/png",), "svg": ("image/svg+xml",)}, max_bytes=2 * 1024 * 1024, min_side_px=48
    ),
    "font": AssetKindRule(
        {"ttf": ("font/ttf", *_FONT_TYPES), "otf": ("font/otf", *_FONT_TYPES)}, max_bytes=5 * 1024 * 1024
    ),
}
SUFFIXES: dict[AssetFormat, str] = {
    "png": ".png", "jpeg": ".jpg", "webp": ".webp", "svg": ".svg", "ttf": ".ttf", "otf": ".otf",
}  # fmt: skip
# A raster image's pixels, at the most: 10 MiB of PNG can hold a billion flat pixels (gigabytes decoded).
MAX_IMAGE_PIXELS = 40_000_000
RASTER_FORMATS: frozenset[AssetFormat] = frozenset({"png", "jpeg", "webp"})
MAX_PRODUCT_PHOTOS = 3
MAX_BRAND_COLOURS = 4


def assets_prefix(user_id: str) -> str:
    return f"users/{user_id}/assets/"


def upload_key(user_id: str, asset_id: str) -> str:
    """Where the presigned POST puts the user's file (unchecked)."""
    return f"{assets_prefix(user_id)}{asset_id}/upload"


def ready_key(user_id: str, asset_id: str) -> str:
    """Where the checked bytes live: the only key a stage reads."""
    return f"{assets_prefix(user_id)}{asset_id}/ready"


def sniff_format(head: bytes) -> AssetFormat | None:
    """The file's format from its first bytes (magic numbers), whatever it was declared as."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[:4] in (b"\x00\x01\x00\x00", b"true"):
        return "ttf"
    if head[:4] == b"OTTO":
        return "otf"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1024].lower()
    if text.startswith((b"<?xml", b"<svg", b"<!--")) and b"<svg" in head.lower():
        return "svg"
    return None


async def fetch_ready_asset(storage: Storage, user_id: str, asset_id: str, workdir: Path, stem: str) -> Path:
    """Downloads a ready asset to `workdir/<stem><suffix>`, the suffix from its own bytes (for tools that care).

    The gateway let the job through only with ready assets of the right kind owned by its user, so stages
    (composer, keyframes) call this with the ids from `job.request` and `job.user_id`."""
    data = await storage.read_bytes(ready_key(user_id, asset_id))
    found = sniff_format(data[:2048])
    path = workdir / f"{stem}{SUFFIXES[found] if found else ''}"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path

"""The checks an uploaded asset passes before any stage may use it: size, format from its bytes, and content.

Declared type and size are only claims (the presigned POST's conditions hold them on AWS, but the check never
relies on that): the verdict comes from the bytes themselves. Photos must be PNG, JPEG or WebP; logos PNG or
a safe SVG (`svg_safety`); fonts TrueType or OpenType with a table directory that fits the file. Raster images
are measured from their headers before anything decodes them: not so small that a model or the end card must
blow them up, not so many pixels that a stage decoding them would run out of memory, and intact.
"""

from __future__ import annotations

import io
import struct
import warnings
from dataclasses import dataclass

from PIL import Image

from services.gateway.svg_safety import UnsafeSvg, check_svg
from shared.assets import ASSET_RULES, MAX_IMAGE_PIXELS, RASTER_FORMATS, AssetFormat, AssetKindName, sniff_format

_FONT_TABLES_MAX = 100


@dataclass(frozen=True)
class Verdict:
    ok: bool
    reason: str | None = None
    found: AssetFormat | None = None


def _mib(size_bytes: int) -> str:
    return f"{size_bytes / (1024 * 1024):.1f} MiB"


def size_verdict(kind: AssetKindName, size_bytes: int, declared_bytes: int) -> Verdict | None:
    """A rejection when the stored object is larger than its kind allows or than it was declared; else None."""
    limit = ASSET_RULES[kind].max_bytes
    if size_bytes > limit:
        return Verdict(False, f"the file is {_mib(size_bytes)}; a {kind} may be at most {_mib(limit)}")
    if size_bytes > declared_bytes:
        return Verdict(False, f"the file is {size_bytes} bytes, more than the {declared_bytes} declared")
    if size_bytes == 0:
        return Verdict(False, "the file is empty")
    return None


def _font_tables_fit(data: bytes) -> bool:
    """An sfnt header whose table directory lies inside the file, each table inside it too."""
    if len(data) < 12:
        return False
    (num_tables,) = struct.unpack(">H", data[4:6])
    if not 0 < num_tables <= _FONT_TABLES_MAX or len(data) < 12 + 16 * num_tables:
        return False
    tags = set()
    for k in range(num_tables):
        tag, _checksum, offset, length = struct.unpack(">4sIII", data[12 + 16 * k : 28 + 16 * k])
        if offset + length > len(data):
            return False
        tags.add(tag)
    return {b"cmap", b"head", b"hhea", b"hmtx", b"maxp"} <= tags


def _raster_verdict(kind: AssetKindName, data: bytes, found: AssetFormat) -> Verdict | None:
    """A rejection for an image too small, with too many pixels, or damaged; else None. Opening reads the header
    only; `verify` then checks the whole stream's integrity without decoding the pixels into memory."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # bounded below, by our own limit
            image = Image.open(io.BytesIO(data))
        with image:
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                megapixels = f"{width * height / 1e6:.0f} MP; an image may have at most {MAX_IMAGE_PIXELS / 1e6:.0f} MP"
                return Verdict(False, f"the image is {width}×{height} px ({megapixels})", found)
            least = ASSET_RULES[kind].min_side_px
            if min(width, height) < least:
                return Verdict(False, f"the image is {width}×{height} px; a {kind} must be at least {least} px on "
                                      "its shorter side", found)  # fmt: skip
            image.verify()
    except Image.DecompressionBombError:
        return Verdict(False, f"the image has far more than {MAX_IMAGE_PIXELS / 1e6:.0f} MP", found)
    except (OSError, SyntaxError, ValueError):
        return Verdict(False, "the image is damaged (it does not decode)", found)
    return None


def content_verdict(kind: AssetKindName, content_type: str, data: bytes) -> Verdict:
    """The verdict on the bytes: the right format for the kind, as declared, and sound inside."""
    rule = ASSET_RULES[kind]
    found = sniff_format(data[:2048])
    if found is None or found not in rule.formats:
        allowed = "/".join(f.upper() for f in rule.formats)
        what = found.upper() if found else "not a recognised file"
        return Verdict(False, f"a {kind} must be {allowed}; this file is {what}")
    if content_type not in rule.formats[found]:
        return Verdict(False, f"declared as {content_type} but the file is {found.upper()}", found)
    if found == "svg":
        try:
            check_svg(data)
        except UnsafeSvg as exc:
            return Verdict(False, str(exc), found)
    if found in RASTER_FORMATS and (refused := _raster_verdict(kind, data, found)) is not None:
        return refused
    if found in ("ttf", "otf") and not _font_tables_fit(data):
        return Verdict(False, "the font file is damaged (its table directory does not fit the file)", found)
    return Verdict(True, None, found)

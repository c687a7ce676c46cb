"""The checks after upload, on real bytes: the format from magic numbers, the declared type, SVG safety, fonts."""

from __future__ import annotations

import struct
import zlib

import pytest

from services.gateway.asset_checks import content_verdict, size_verdict
from services.gateway.svg_safety import UnsafeSvg, check_svg
from shared.assets import sniff_format
from tests.brand_assets import BRAND_FONT, LOGO_SVG, logo_pixels, photo_pixels, png_bytes

JPEG_HEAD = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
WEBP_HEAD = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 64


@pytest.mark.parametrize(
    ("data", "expected"),
    [(png_bytes(logo_pixels(8, 8)), "png"), (JPEG_HEAD, "jpeg"), (WEBP_HEAD, "webp"), (LOGO_SVG, "svg"),
     (BRAND_FONT.read_bytes()[:64], "ttf"), (b"OTTO\x00\x0a", "otf"), (b"GIF89a....", None), (b"<html>", None)],
)  # fmt: skip
def test_the_format_comes_from_the_first_bytes(data: bytes, expected: str | None) -> None:
    assert sniff_format(data) == expected


def test_a_photo_must_be_a_photo_format() -> None:
    verdict = content_verdict("product_photo", "image/png", LOGO_SVG)

    assert not verdict.ok
    assert verdict.reason == "a product_photo must be PNG/JPEG/WEBP; this file is SVG"


def test_a_file_declared_as_another_format_is_refused() -> None:
    verdict = content_verdict("product_photo", "image/png", JPEG_HEAD)

    assert not verdict.ok
    assert verdict.reason == "declared as image/png but the file is JPEG"


def test_a_whole_font_passes_and_a_cut_one_fails() -> None:
    font = BRAND_FONT.read_bytes()

    assert content_verdict("font", "font/ttf", font).ok
    assert not content_verdict("font", "font/ttf", font[:2000]).ok


def test_sizes_over_the_kind_limit_or_the_declaration_are_refused() -> None:
    assert size_verdict("logo", 3 * 1024 * 1024, 3 * 1024 * 1024) is not None
    assert size_verdict("logo", 2000, 1000) is not None
    assert size_verdict("logo", 1000, 2000) is None


def test_a_clean_svg_logo_passes() -> None:
    check_svg(LOGO_SVG)


@pytest.mark.parametrize(
    ("inserted", "said"),
    [
        (b"<script>alert(1)</script>", "<script>"),
        (b'<rect width="1" height="1" onload="alert(1)"/>', "event handler"),
        (b'<image href="https://evil.example/x.png" width="9" height="9"/>', "links outside itself"),
        (b'<image xmlns:xlink="http://www.w3.org/1999/xlink" xlink:href="file:///etc/passwd"/>', "links outside"),
        (b"<foreignObject><p>hi</p></foreignObject>", "foreignobject"),
        (b"<style>@import url(https://evil.example/a.css);</style>", "outside itself"),
        (b'<rect width="9" height="9" fill="url(https://evil.example/#p)"/>', "outside itself"),
        (b'<a href="javascript:alert(1)"><rect width="9" height="9"/></a>', "links outside"),
        (b'<set attributeName="href" to="javascript:alert(1)"/>', "<set>"),
    ],
)
def test_an_svg_that_could_run_or_fetch_anything_is_refused(inserted: bytes, said: str) -> None:
    with pytest.raises(UnsafeSvg, match=said):
        check_svg(LOGO_SVG.replace(b"</svg>", inserted + b"</svg>"))


def test_an_svg_with_entities_is_refused_before_parsing() -> None:
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>'
    )

    with pytest.raises(UnsafeSvg, match="DOCTYPE"):
        check_svg(laughs)


def test_an_svg_stylesheet_instruction_is_refused() -> None:
    with pytest.raises(UnsafeSvg, match="xml-stylesheet"):
        check_svg(b'<?xml-stylesheet href="https://evil.example/a.css"?>' + LOGO_SVG.split(b"?>", 1)[1])


def test_internal_references_are_allowed() -> None:
    gradient = (b'<defs><linearGradient id="g"><stop offset="0" stop-color="#fff"/></linearGradient></defs>'
                b'<rect width="9" height="9" fill="url(#g)"/><use href="#g"/>')  # fmt: skip

    check_svg(LOGO_SVG.replace(b"</svg>", gradient + b"</svg>"))


def _png_of(width: int, height: int) -> bytes:
    return png_bytes(photo_pixels(width, height))


def test_a_photo_of_a_usable_size_passes() -> None:
    assert content_verdict("product_photo", "image/png", _png_of(320, 240)).ok


def test_a_photo_too_small_to_use_is_refused_naming_its_size() -> None:
    verdict = content_verdict("product_photo", "image/png", _png_of(160, 120))

    assert not verdict.ok
    assert verdict.reason == "the image is 160×120 px; a product_photo must be at least 200 px on its shorter side"


def test_a_logo_has_its_own_smaller_minimum() -> None:
    assert content_verdict("logo", "image/png", png_bytes(logo_pixels(96, 48))).ok
    assert not content_verdict("logo", "image/png", png_bytes(logo_pixels(64, 32))).ok


def test_a_decompression_bomb_is_refused_from_its_header_without_decoding_it() -> None:
    """A flat 12,000 x 12,000 PNG: 144 MP in a few hundred KiB, which would take 576 MB to decode."""
    width = height = 12_000
    row = b"\x00" + bytes(width * 4)
    stream = zlib.compressobj(9)
    idat = b"".join(stream.compress(row) for _ in range(height)) + stream.flush()

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    bomb = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0))
    bomb += chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    assert len(bomb) < 10 * 1024 * 1024

    verdict = content_verdict("product_photo", "image/png", bomb)

    assert not verdict.ok
    assert verdict.reason == "the image is 12000×12000 px (144 MP; an image may have at most 40 MP)"


def test_a_damaged_image_is_refused() -> None:
    whole = _png_of(320, 240)
    damaged = whole[:60] + bytes(b ^ 0xFF for b in whole[60:90]) + whole[90:]  # bytes of its pixel data flipped

    verdict = content_verdict("product_photo", "image/png", damaged)

    assert not verdict.ok
    assert verdict.reason == "the image is damaged (it does not decode)"

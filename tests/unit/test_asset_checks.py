"""The checks after upload, on real bytes: the format from magic numbers, the declared type, SVG safety, fonts."""

from __future__ import annotations

import pytest

from services.gateway.asset_checks import content_verdict, size_verdict
from services.gateway.svg_safety import UnsafeSvg, check_svg
from shared.assets import sniff_format
from tests.brand_assets import BRAND_FONT, LOGO_SVG, logo_pixels, png_bytes

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

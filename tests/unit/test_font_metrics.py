"""A brand font's own widths size the titles; text it has no glyphs for falls back to the default face."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.composer.font_metrics import UnusableFont, font_metrics

MONO = Path("/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf")
SANS = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")


def test_a_monospaced_font_gives_every_character_the_same_width() -> None:
    metrics = font_metrics(MONO)

    assert metrics.line_width_em("iiii") == pytest.approx(metrics.line_width_em("MMMM"))


def test_a_proportional_font_measures_wide_letters_wider() -> None:
    metrics = font_metrics(SANS)

    assert metrics.line_width_em("MMMM") > 1.5 * metrics.line_width_em("iiii")


def test_coverage_says_whether_every_character_has_a_glyph() -> None:
    metrics = font_metrics(MONO)

    assert metrics.covers("Breathe easy, café")
    assert not metrics.covers("花粉症")


def test_a_file_that_is_not_a_font_is_unusable(tmp_path: Path) -> None:
    broken = tmp_path / "broken.ttf"
    broken.write_bytes(b"\x00\x01\x00\x00" + b"\x00" * 100)

    with pytest.raises(UnusableFont):
        font_metrics(broken)

"""The brand kit as the composer applies it: readable plate and title colours, the title font, the logo bitmap.

Colours: the first brand colour paints the statement and end-card plates, the second (else the first) the scene
titles' boxes, each adjusted until its text (white or black) meets the contrast target over any footage.
Font: the brand font sets the scene titles only. The major statement and the end card stay in DejaVu Sans:
their layout (wrapping, paging, the text-size rule) is computed with its widths, and they must read as
plainly as the law asks whatever the brand's taste in type; a display face could fail the OCR verbatim check.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from services.composer.brand_colours import PlateColours, readable_plate
from services.composer.font_metrics import FontMetrics, font_metrics
from shared.brand_kit import BrandKit
from shared.statement import PLATE_OPACITY

TITLE_BOX_OPACITY = 0.85


@dataclass(frozen=True)
class BrandStyle:
    plate: PlateColours | None = None  # None: black plates, white text (no brand colours)
    title: PlateColours | None = None  # None: a translucent black box under white titles
    title_font: Path | None = None
    title_metrics: FontMetrics | None = None
    logo: Path | None = None  # a PNG, already rasterised
    logo_bug: bool = False

    def title_font_for(self, text: str) -> Path | None:
        """The brand font when it has a glyph for every character of the title, else None (the default face)."""
        if self.title_font is None or self.title_metrics is None or not self.title_metrics.covers(text):
            return None
        return self.title_font


def brand_style(kit: BrandKit, *, logo: Path | None, font: Path | None) -> BrandStyle:
    colours = kit.colours
    plate = readable_plate(colours[0], opacity=PLATE_OPACITY) if colours else None
    title = readable_plate(colours[1 if len(colours) > 1 else 0], opacity=TITLE_BOX_OPACITY) if colours else None
    return BrandStyle(
        plate=plate,
        title=title,
        title_font=font,
        title_metrics=font_metrics(font) if font is not None else None,
        logo=logo,
        logo_bug=kit.logo_bug and logo is not None,
    )

"""A font's own advance widths, read with fontTools: how wide a line of text is in em, and which text it can draw.

Titles are sized so their widest line stays inside the title-safe area; a brand font may be much wider or
narrower than DejaVu Sans, so its widths are measured rather than guessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fontTools.ttLib import TTFont, TTLibError

WIDTH_MARGIN = 1.05  # kerning and rounding: measure a little wide


class UnusableFont(ValueError):
    """The font cannot be read, or maps no characters."""


@dataclass(frozen=True)
class FontMetrics:
    advances_em: dict[int, float]  # code point → advance width in em
    fallback_em: float  # the .notdef glyph's advance, for anything unmapped
    line_em: float = 1.164  # ascent + descent (hhea) in em: how tall its lines ink at most (DejaVu Sans: 1.164)

    def line_width_em(self, line: str) -> float:
        return WIDTH_MARGIN * sum(self.advances_em.get(ord(c), self.fallback_em) for c in line)

    def covers(self, text: str) -> bool:
        """True when every visible character has a glyph (else it would draw as empty boxes)."""
        return all(ord(c) in self.advances_em for c in text if not c.isspace())


def font_metrics(path: Path) -> FontMetrics:
    try:
        font = TTFont(str(path), lazy=True)
        units = font["head"].unitsPerEm
        cmap = font.getBestCmap() or {}
        metrics = font["hmtx"].metrics
        line_em = (font["hhea"].ascent - font["hhea"].descent) / units
    except (TTLibError, KeyError, AssertionError, OSError, ValueError) as exc:
        raise UnusableFont(f"the brand font cannot be read ({exc})") from exc
    if not cmap or not units:
        raise UnusableFont("the brand font maps no characters")
    advances = {code: metrics[name][0] / units for code, name in cmap.items() if name in metrics}
    fallback = metrics.get(".notdef", (units, 0))[0] / units
    return FontMetrics(advances, fallback, line_em)

"""What text goes on screen, where and when: scene titles, the major statement's pages and the end card.

A pharmaceutical ad shows its statement page by page, each page from its first spoken word (the narration's
actual timings, not the plan) on an opaque plate in the lower part of the title-safe area, then the
adequate-provision end card to the end. While the statement plays no other text shows. drawtext neither
wraps nor shrinks text, so both happen here, with the font's own widths (`shared.statement`).
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from services.composer.brand import TITLE_BOX_OPACITY, BrandStyle
from services.composer.logo_placement import LogoPlacement, corner_bug, end_card_logo
from shared.script import Script, SegmentTiming
from shared.statement import (
    HOLD_S,
    PLATE_OPACITY,
    TextLayout,
    page_window,
    text_layout,
    text_width_px,
    wrap,
)

CHAR_WIDTH_EM = 0.6  # DejaVu Sans Bold averages a little under 0.6 em per character (titles)


def title_width_em(line: str) -> float:
    """A bold title line's width in em, on the generous side: DejaVu Sans Bold capitals run up to ~1 em (W, M),
    lower case ~0.7. Sizing at 0.6 em a character let "Rooftop energy" ink past the central 90 % of a 9:16
    frame (the compliance report's TD-SAFE-AREA measured it)."""
    return sum(0.9 if c.isupper() else 0.7 if c.isalnum() else 0.45 for c in line)


DRAWTEXT_LINE_EM = 1.164  # DejaVu Sans' ascent + descent: the height of one drawn line's box
TITLE_GAP_S = 0.5  # titles keep this clear of the statement's first and last words


@dataclass(frozen=True)
class TextOverlay:
    text: str  # already wrapped; written to a file and drawn with `textfile=`
    font_size: int
    x: str
    y: str
    start_s: float
    end_s: float
    bold: bool = True
    box: bool = False
    plain: bool = False  # statement and end card lines: no fade, no shadow, on and off with their words
    colour: str = "white"  # "white", "black" or "#RRGGBB"
    font: Path | None = None  # None: DejaVu Sans (bold or regular); else the brand font (titles only)
    box_colour: str = "black@0.35"  # behind a title when `box`


@dataclass(frozen=True)
class Band:
    """An opaque plate behind text."""

    y: int
    height: int
    start_s: float
    end_s: float
    x: int = 0
    width: int | None = None  # None: the frame's width
    opacity: float = PLATE_OPACITY
    colour: str = "black"


@dataclass(frozen=True)
class OverlayPlan:
    texts: tuple[TextOverlay, ...]
    bands: tuple[Band, ...]
    statement_span: tuple[float, float] | None = None  # first word to last page off screen: the music ducks
    logos: tuple[LogoPlacement, ...] = ()  # where the brand logo is composited (needs `Sources.logo`)


def _fit(
    text: str, *, width: int, max_size: int, line_chars: int, width_em: Callable[[str], float] = title_width_em
) -> tuple[str, int]:
    lines = textwrap.wrap(" ".join(text.split()), line_chars) or [""]
    widest_em = max(width_em(line) for line in lines)
    size = min(max_size, int(width * 0.9 / max(widest_em, 1.0)))
    return "\n".join(lines), max(size, 10)


def _title_face(
    brand: BrandStyle | None, text: str, max_size: int, ad_type: str
) -> tuple[Path | None, Callable[[str], float], int]:
    """The title's font (None: the default), how to measure its lines, and its largest size. In a pharmaceutical
    ad a brand face whose lines run taller than DejaVu Sans' is capped lower, so the title inks no taller."""
    font = brand.title_font_for(text) if brand is not None else None
    metrics = brand.title_metrics if font is not None and brand is not None else None
    if metrics is None:
        return None, title_width_em, max_size
    largest = max_size
    if ad_type == "pharmaceutical" and metrics.line_em > DRAWTEXT_LINE_EM:
        largest = int(max_size * DRAWTEXT_LINE_EM / metrics.line_em)
    return font, metrics.line_width_em, largest


def scene_titles(
    script: Script, size: tuple[int, int], *, quiet: list[tuple[float, float]], brand: BrandStyle | None = None
) -> list[TextOverlay]:
    """Each scene's title, except over `quiet` spans (the statement and end card carry no other text).

    A pharmaceutical ad's titles are never larger than its statement (fair balance: risk text at least as
    prominent as benefit text). With a brand, titles are set in its font (sized by that font's widths) on a box
    in its colour."""
    width, height = size
    line_chars = 26 if width >= height else 16
    max_size = round(height * 0.07)
    if script.ad_type == "pharmaceutical":
        max_size = min(max_size, round(text_layout(size).font_size * 0.9))
    titles = []
    for scene, start in zip(script.scenes, script.scene_starts(), strict=True):
        if not scene.on_screen_text.strip():
            continue
        shown = (start + 0.3, start + scene.duration_s - 0.2)
        if any(shown[0] < b + TITLE_GAP_S and a - TITLE_GAP_S < shown[1] for a, b in quiet):
            continue
        font, width_em, largest = _title_face(brand, scene.on_screen_text, max_size, script.ad_type)
        text, font_size = _fit(scene.on_screen_text, width=width, max_size=largest, line_chars=line_chars,
                               width_em=width_em)  # fmt: skip
        title = TextOverlay(text, font_size, x="(w-text_w)/2", y="h*0.30-text_h/2", start_s=shown[0], end_s=shown[1],
                            box=True, font=font)  # fmt: skip
        if brand is not None and brand.title is not None:
            title = replace(title, colour=brand.title.text, box_colour=f"{brand.title.plate}@{TITLE_BOX_OPACITY}")
        titles.append(title)
    return titles


def _plate(lines: list[str], layout: TextLayout, start_s: float, end_s: float) -> tuple[list[TextOverlay], Band]:
    """Lines on an opaque plate at the foot of the title-safe area, each line drawn at its exact pitch."""
    width, _ = layout.frame
    x0, y0, x1, y1 = layout.safe_box
    font = layout.font_size
    widest = max(text_width_px(line, font) for line in lines)
    if widest > layout.line_width:  # one word wider than a line (a long web address): set this plate smaller
        font = int(font * layout.line_width / widest)
        widest = max(text_width_px(line, font) for line in lines)
    pitch = round(font * layout.line_pitch / layout.font_size)
    pad = layout.pad
    block_h = (len(lines) - 1) * pitch + round(font * DRAWTEXT_LINE_EM)
    plate_w, plate_h = min(x1 - x0, round(widest) + 2 * pad), min(y1 - y0, block_h + 2 * pad)
    plate_x, plate_y = (width - plate_w) // 2, y1 - plate_h
    texts = [
        TextOverlay(line, font, x=str(plate_x + pad), y=str(plate_y + pad + k * pitch), start_s=start_s, end_s=end_s,
                    bold=False, plain=True)
        for k, line in enumerate(lines)
    ]  # fmt: skip
    return texts, Band(plate_y, plate_h, start_s, end_s, x=plate_x, width=plate_w)


def statement_overlays(
    script: Script, size: tuple[int, int], spoken: list[SegmentTiming]
) -> tuple[list[TextOverlay], list[Band], tuple[float, float] | None, tuple[float, float] | None]:
    """The statement's pages, each while it is spoken, and the end card from its line to the ad's end.

    Returns the texts, their plates, the statement's span and the end card's span.
    """
    layout = text_layout(size)
    pages = [s for s in spoken if s.kind == "safety"]
    texts: list[TextOverlay] = []
    bands: list[Band] = []
    span = None
    for k, page in enumerate(pages):
        lines = wrap(page.text, layout)
        following = pages[k + 1].start_s if k + 1 < len(pages) else None
        start, end = page_window(audio_start_s=page.start_s, audio_end_s=page.end_s, lines=len(lines),
                                 next_audio_start_s=following)  # fmt: skip
        drawn, band = _plate(lines, layout, start, min(end, script.duration_s))
        texts += drawn
        bands.append(band)
    if bands:
        span = (bands[0].start_s, bands[-1].end_s)
    card_span = None
    provision = next((s for s in spoken if s.kind == "provision"), None)
    if script.end_card and provision is not None:
        card_span = (provision.start_s, script.duration_s)
        lines = [line for element in script.end_card for line in wrap(element, layout)]
        drawn, band = _plate(lines, layout, *card_span)
        texts += drawn
        bands.append(band)
    return texts, bands, span, card_span


def planned_timings(script: Script) -> list[SegmentTiming]:
    """The script's own windows, for when no narration timings exist (a benchmark, a script without voice)."""
    return [SegmentTiming(text=s.text, kind=s.kind, start_s=s.start_s, end_s=s.end_s) for s in script.narration]


def _branded_plates(
    texts: list[TextOverlay], bands: list[Band], brand: BrandStyle | None
) -> tuple[list[TextOverlay], list[Band]]:
    """The statement and end-card plates in the brand's plate colour, their text in the colour that reads on it."""
    if brand is None or brand.plate is None:
        return texts, bands
    plate = brand.plate
    return [replace(t, colour=plate.text) for t in texts], [replace(b, colour=plate.plate) for b in bands]


def _logos(
    size: tuple[int, int],
    duration_s: float,
    brand: BrandStyle | None,
    *,
    card: tuple[float, float] | None,
    plate_top: int | None,
    statement_start: float | None,
) -> tuple[LogoPlacement, ...]:
    if brand is None or brand.logo is None:
        return ()
    end_card = end_card_logo(size, duration_s=duration_s, card=card, plate_top=plate_top)
    if not brand.logo_bug:
        return (end_card,)
    bug = corner_bug(size, until_s=min(end_card.start_s, statement_start or duration_s))
    return (end_card,) if bug is None else (end_card, bug)


def overlay_plan(
    script: Script,
    size: tuple[int, int],
    spoken: list[SegmentTiming] | None = None,
    *,
    brand: BrandStyle | None = None,
) -> OverlayPlan:
    """Titles, and for a pharmaceutical ad its statement pages and end card, timed to `spoken` (the narration's
    actual timings; the script's plan when there are none); with a brand, its colours, title font and logo."""
    if script.ad_type != "pharmaceutical" or not script.safety_text.strip():
        titles = scene_titles(script, size, quiet=[], brand=brand)
        logos = _logos(size, script.duration_s, brand, card=None, plate_top=None, statement_start=None)
        return OverlayPlan(tuple(titles), (), logos=logos)
    timings = spoken if spoken is not None else planned_timings(script)
    texts, bands, span, card_span = statement_overlays(script, size, timings)
    quiet = [s for s in (span, card_span) if s is not None]
    titles = scene_titles(script, size, quiet=[(a - HOLD_S, b) for a, b in quiet], brand=brand)
    plate_top = bands[-1].y if card_span is not None and bands else None
    logos = _logos(size, script.duration_s, brand, card=card_span, plate_top=plate_top,
                   statement_start=span[0] if span else None)  # fmt: skip
    texts, bands = _branded_plates(texts, bands, brand)
    return OverlayPlan(tuple(titles + texts), tuple(bands), span, logos)

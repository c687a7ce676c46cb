"""The major statement's arithmetic: its pages on screen, its reading time, and the shortest ad that holds it.

A pharmaceutical ad reads the request's `side_effects` verbatim (21 CFR 202.1(e)(1)(ii)) at a calm pace and
shows it at the same time, in sentence-sized pages each on screen while it is spoken. The gateway (the
shortest duration), the script planner (the time it allots) and the composer (how it wraps and when each
page shows) all use this one module so they agree. Sizes follow docs/compliance.md: the text's em is 6.2 % of
the frame height (its line pitch 1.3 em), white on a black plate of 85 % opacity inside the central 90 %.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

CALM_WPM = 150.0  # the pace every narration line aims at, measured on the actual speech
MIN_WPM = 140.0  # the calm window, measured: below it drags, above MAX_WPM it rushes
MAX_WPM = 160.0
FAST_SPEED = 1.45  # safety_pace="fast": the old faster read, kept as an opt-in that fails MS-PACE
MIN_BENEFIT_S = 6.0  # the least time left for what the ad is about, before the statement
LEAD_S = 0.3  # a breath after a cut before the voice starts
GAP_S = 0.15  # the least silence between two spoken segments
HOLD_S = 0.2  # a page stays this long after its words are spoken
LATE_END_S = 1.0  # a page never stays longer than this after its words (text ends with the audio)
TAIL_S = 0.5  # room after the last words of the ad
FIRST_LINE_S = 3.0  # a page of one line shows at least 3 s, each extra line 1 s more (network practice)
EXTRA_LINE_S = 1.0
MAX_PAGE_LINES = 4  # in a landscape or square frame; a portrait frame's narrow lines allow twice as many

TEXT_EM_OF_HEIGHT = 0.062  # so a line with a capital or an ascender has ink ≥ 4.6 % of the frame height (0.76 em)
LINE_PITCH_EM = 1.3
SAFE_FRACTION = 0.9  # the title-safe area: the central 90 % of width and height
PLATE_PAD_EM = 0.6  # drawtext sets a line a few px wider than its advance widths: 0.4 em let it meet the edge
PLATE_OPACITY = 0.85
FONT_FILE = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"  # fonts-dejavu-core
# DejaVu Sans advance widths of printable ASCII (" " to "~") in thousandths of an em, from the font's hmtx
# table; any other character counts a full em, so a line measured here never overflows when drawn.
_ADVANCE = (
    318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337, 636, 636, 636, 636, 636, 636,
    636, 636, 636, 636, 337, 337, 838, 838, 838, 531, 1000, 684, 686, 698, 770, 632, 575, 775, 752, 295, 295, 656,
    557, 863, 748, 787, 603, 787, 695, 635, 611, 732, 684, 989, 685, 611, 685, 390, 337, 390, 838, 500, 500, 613,
    635, 550, 635, 615, 352, 635, 634, 278, 278, 579, 278, 974, 634, 612, 635, 635, 411, 521, 392, 634, 592, 818,
    592, 592, 525, 636, 337, 636, 838,
)  # fmt: skip

_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+")
_CLAUSE_END = re.compile(r"(?<=,)\s+")
_DIGIT = re.compile(r"\d")
_PHONE_NUMBER = re.compile(r"\+?\d[\d ().\-]{5,}\d")
_ADDRESS_SEPARATOR = re.compile(r"(?<=\w)[./@](?=\w)")


def normalise(text: str) -> str:
    """Whitespace collapsed to single spaces: two texts are the same statement when these are equal."""
    return " ".join(text.split())


def words(text: str) -> int:
    return len(text.split())


def speakable(text: str) -> str:
    """The text as a voice should read it: a phone number digit by digit ("1, 8 0 0, 5 5 5, ..."), not as
    "one dash eight hundred"; everything else as written."""

    def digits(match: re.Match[str]) -> str:
        groups = [g for g in re.split(r"[^\d]+", match.group(0)) if g]
        return ", ".join(" ".join(group) for group in groups)

    return _PHONE_NUMBER.sub(digits, text)


def spoken_words(text: str) -> int:
    """Words as read aloud: a number digit by digit, a web address part by part with its dots and slashes."""
    count = 0
    for word in speakable(text).split():
        digits = len(_DIGIT.findall(word))
        separators = len(_ADDRESS_SEPARATOR.findall(word))
        parts = [p for p in re.split(r"[./:@\-]+", re.sub(r"\d", "", word)) if p.strip(",;!?()")]
        count += max(1, digits + len(parts) + separators)
    return count


def speaking_s(text: str, wpm: float = MIN_WPM) -> float:
    """How long the text takes at `wpm` (the slow edge of the calm window by default: a safe allotment)."""
    return spoken_words(text) * 60.0 / wpm


def min_shown_s(lines: int) -> float:
    """The least time a page of `lines` lines stays on screen so it can be read."""
    return FIRST_LINE_S + EXTRA_LINE_S * max(0, lines - 1)


@dataclass(frozen=True)
class TextLayout:
    """How on-screen statement text is set in one frame size (pixels)."""

    frame: tuple[int, int]
    font_size: int
    line_pitch: int
    line_width: int  # pixels a line of text may take (the safe area's width less the plate's padding)
    pad: int
    max_lines: int  # lines a page may hold

    @property
    def safe_box(self) -> tuple[int, int, int, int]:
        """x0, y0, x1, y1 of the title-safe area."""
        width, height = self.frame
        margin_x, margin_y = round(width * (1 - SAFE_FRACTION) / 2), round(height * (1 - SAFE_FRACTION) / 2)
        return margin_x, margin_y, width - margin_x, height - margin_y


def text_layout(frame: tuple[int, int]) -> TextLayout:
    width, height = frame
    font_size = math.ceil(height * TEXT_EM_OF_HEIGHT)
    pad = round(font_size * PLATE_PAD_EM)
    line_width = int(width * SAFE_FRACTION) - 2 * pad
    max_lines = MAX_PAGE_LINES if width >= height else 2 * MAX_PAGE_LINES + 1
    return TextLayout(frame, font_size, round(font_size * LINE_PITCH_EM), line_width, pad, max_lines)


def text_width_px(text: str, font_size: int) -> float:
    """How wide DejaVu Sans draws `text` at `font_size` pixels (an upper bound for characters beyond ASCII)."""
    return sum(_ADVANCE[ord(c) - 32] if 32 <= ord(c) < 127 else 1000 for c in text) * font_size / 1000


def wrap(text: str, layout: TextLayout) -> list[str]:
    """Lines no wider than the layout allows, broken between words (a word is never cut, so one word wider
    than the line stands alone on its line; the composer then sets that page smaller to fit)."""
    lines: list[str] = []
    for word in normalise(text).split(" "):
        if lines and text_width_px(f"{lines[-1]} {word}", layout.font_size) <= layout.line_width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines or [""]


@dataclass(frozen=True)
class Page:
    """A sentence-sized piece of the statement: its words verbatim and its lines on screen."""

    text: str
    lines: tuple[str, ...]

    @property
    def min_shown_s(self) -> float:
        return min_shown_s(len(self.lines))


def _split_to_fit(piece: str, layout: TextLayout) -> list[str]:
    """A sentence too long for one page, split at clauses, then between words."""
    if len(wrap(piece, layout)) <= layout.max_lines:
        return [piece]
    chunks: list[str] = []
    for clause in _CLAUSE_END.split(piece):
        if chunks and len(wrap(f"{chunks[-1]} {clause}", layout)) <= layout.max_lines:
            chunks[-1] = f"{chunks[-1]} {clause}"
        elif len(wrap(clause, layout)) <= layout.max_lines:
            chunks.append(clause)
        else:
            lines = wrap(clause, layout)
            chunks += [" ".join(lines[i : i + layout.max_lines]) for i in range(0, len(lines), layout.max_lines)]
    return chunks


def _too_short(text: str, layout: TextLayout) -> bool:
    """Read at the calm pace, its page could not stay its reading time without outlasting its words by 1 s."""
    return speaking_s(text, CALM_WPM) + LATE_END_S < min_shown_s(len(wrap(text, layout)))


def pages(statement: str, layout: TextLayout) -> list[Page]:
    """The statement in pages: one sentence each, short sentences joined to a neighbour, long ones split.

    The pages' words, joined, are the statement's words exactly: nothing is dropped or cut with "…".
    """
    pieces = [c for s in _SENTENCE_END.split(normalise(statement)) if s for c in _split_to_fit(s, layout)]
    merged: list[str] = []
    for piece in pieces:
        if merged and _too_short(merged[-1], layout) and len(wrap(f"{merged[-1]} {piece}", layout)) <= layout.max_lines:
            merged[-1] = f"{merged[-1]} {piece}"
        else:
            merged.append(piece)
    if len(merged) > 1 and _too_short(merged[-1], layout):
        joined = f"{merged[-2]} {merged[-1]}"
        if len(wrap(joined, layout)) <= layout.max_lines:
            merged[-2:] = [joined]
    return [Page(text, tuple(wrap(text, layout))) for text in merged]


def page_slot_s(page: Page) -> float:
    """Planned time from a page's first word to the next page's: its reading at the slow edge, or longer if
    its lines need longer on screen, then a gap."""
    return max(speaking_s(page.text) + HOLD_S, page.min_shown_s) + GAP_S


def statement_s(statement: str, layout: TextLayout) -> float:
    """The statement's whole span in the plan: a lead-in, then every page's slot."""
    return LEAD_S + sum(page_slot_s(p) for p in pages(statement, layout))


def page_window(
    *, audio_start_s: float, audio_end_s: float, lines: int, next_audio_start_s: float | None
) -> tuple[float, float]:
    """When a page is on screen, from the narration's actual timings: with its first word, until its reading
    time or its words end (plus a short hold), never more than LATE_END_S after them nor into the next page."""
    end = max(audio_end_s + HOLD_S, audio_start_s + min_shown_s(lines))
    end = min(end, audio_end_s + LATE_END_S - 0.05)
    if next_audio_start_s is not None:
        end = min(end, next_audio_start_s - 0.05)
    return round(audio_start_s, 3), round(max(end, audio_start_s + 0.1), 3)

"""Checks on the statement as shown: verbatim, in step with its audio, large, contrasted, placed, long enough.

Pages, boxes and times come from the rendered frames (OCR of samples, a per-frame strip of the statement
window); the spoken windows from the narration's actual timings.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence

from services.composer.compliance import rules
from services.composer.compliance.frames import Frame, Strip
from services.composer.compliance.ocr import Line, token_ratio, tokens
from services.composer.compliance.pixels import LineMetrics, inside_safe_area, line_metrics, shown_window, union_box
from services.composer.compliance.report import Finding
from services.composer.compliance.screen import Page
from shared.script import SegmentTiming


def verbatim(statement: str, spoken: Sequence[SegmentTiming], pages: list[Page]) -> Finding:
    spoken_text = " ".join(" ".join(s.text.split()) for s in spoken)
    same_speech = spoken_text == " ".join(statement.split())
    ratio = token_ratio(tokens(statement), [t for page in pages for t in page.tokens])
    ok = same_speech and ratio >= rules.OCR_MATCH_MIN
    speech = "spoken verbatim" if same_speech else "spoken text differs from the statement"
    return Finding("MS-VERBATIM", ok, f"{speech}; on screen (OCR) {ratio:.0%} of its words over {len(pages)} pages",
                   round(ratio, 3))  # fmt: skip


def metrics(frames: dict[float, Frame], lines_at: Sequence[tuple[float, Line]]) -> list[LineMetrics]:
    found = [line_metrics(frames[at_s], line.box) for at_s, line in lines_at]
    return [m for m in found if m is not None]


def text_size(statement_metrics: list[LineMetrics], frame_height: int) -> Finding:
    if not statement_metrics:
        return Finding("MS-TEXT-SIZE", False, "no statement text found on screen")
    median = statistics.median(m.ink_height_px for m in statement_metrics) / frame_height
    return Finding("MS-TEXT-SIZE", median >= rules.TEXT_HEIGHT_MIN,
                   f"line height {median:.1%} of the frame (median of {len(statement_metrics)} lines)",
                   round(median, 4))  # fmt: skip


def contrast(statement_metrics: list[LineMetrics]) -> Finding:
    if not statement_metrics:
        return Finding("MS-CONTRAST", False, "no statement text found on screen")
    worst = min(m.contrast for m in statement_metrics)
    return Finding("MS-CONTRAST", worst >= rules.CONTRAST_MIN, f"lowest line contrast {worst:.1f}:1", worst)


def placement(rule_id: str, boxes: list[tuple[int, int, int, int]], size: tuple[int, int]) -> Finding:
    outside = [b for b in boxes if not inside_safe_area(b, size, rules.SAFE_AREA)]
    if rule_id == "MS-PLACEMENT" and not boxes:
        return Finding(rule_id, False, "no statement text found on screen")
    return Finding(rule_id, not outside, f"{len(boxes) - len(outside)} of {len(boxes)} text lines inside the "
                   f"central {rules.SAFE_AREA:.0%}", float(len(outside)))  # fmt: skip


def page_windows(strip: Strip | None, pages: list[Page]) -> list[tuple[float, float]]:
    if strip is None:
        return []
    return [shown_window(strip, union_box(list(page.lines)), page.at_s) for page in pages]


def _audio_of(window: tuple[float, float], spoken: Sequence[SegmentTiming]) -> tuple[float, float] | None:
    """The spoken span of the statement pieces whose middle falls in the page's window."""
    inside = [s for s in spoken if window[0] <= (s.start_s + s.end_s) / 2 <= window[1]]
    return (min(s.start_s for s in inside), max(s.end_s for s in inside)) if inside else None


def dual(windows: list[tuple[float, float]], spoken: Sequence[SegmentTiming]) -> Finding:
    if not windows:
        return Finding("MS-DUAL", False, "no statement page found on screen while it is spoken")
    worst, notes = 0.0, []
    for number, window in enumerate(windows, 1):
        audio = _audio_of(window, spoken)
        if audio is None:
            notes.append(f"page {number} ({window[0]:.2f}-{window[1]:.2f} s) shown while no statement is spoken")
            worst = max(worst, 99.0)
            continue
        start_off, end_off = window[0] - audio[0], window[1] - audio[1]
        late = max(abs(start_off) - rules.DUAL_START_TOLERANCE_S, -rules.DUAL_END_BEFORE_S - end_off,
                   end_off - rules.DUAL_END_AFTER_S)  # fmt: skip
        worst = max(worst, late)
        if late > 0:
            notes.append(
                f"page {number} text {window[0]:.2f}-{window[1]:.2f} s vs audio {audio[0]:.2f}-{audio[1]:.2f} s"
            )
    uncovered = [s for s in spoken if not any(w[0] <= (s.start_s + s.end_s) / 2 <= w[1] for w in windows)]
    if uncovered:
        notes.append(f"{len(uncovered)} spoken pieces without their text on screen")
        worst = max(worst, 99.0)
    summary = "; ".join(notes) or f"{len(windows)} pages, each in step with its audio"
    return Finding("MS-DUAL", worst <= 0.0, summary, round(worst, 3))


def duration(windows: list[tuple[float, float]], pages: list[Page], spoken: Sequence[SegmentTiming]) -> Finding:
    if not windows:
        return Finding("MS-DURATION", False, "no statement page found on screen")
    shortfalls = []
    for number, (window, page) in enumerate(zip(windows, pages, strict=True), 1):
        audio = _audio_of(window, spoken)
        needed = max(rules.READ_FIRST_LINE_S + rules.READ_EXTRA_LINE_S * (len(page.lines) - 1),
                     (audio[1] - audio[0]) if audio else 0.0)  # fmt: skip
        shortfalls.append((needed - (window[1] - window[0]), number, window[1] - window[0], needed))
    worst = max(shortfalls)
    return Finding("MS-DURATION", worst[0] <= 0.05,
                   f"shortest margin: page {worst[1]} shown {worst[2]:.1f} s, needs {worst[3]:.1f} s",
                   round(-worst[0], 2))  # fmt: skip


def prominence(statement_metrics: list[LineMetrics], benefit_metrics: list[LineMetrics]) -> Finding:
    if not statement_metrics:
        return Finding("FB-PROMINENCE", False, "no statement text found on screen")
    stmt = statistics.median(m.ink_height_px for m in statement_metrics)
    if not benefit_metrics:
        return Finding("FB-PROMINENCE", True, "no benefit text found on screen", 1.0)
    benefit = statistics.median(m.ink_height_px for m in benefit_metrics)
    ratio = stmt / benefit
    return Finding("FB-PROMINENCE", ratio >= 0.95, f"statement lines {stmt:.0f} px, benefit lines {benefit:.0f} px",
                   round(ratio, 2))  # fmt: skip

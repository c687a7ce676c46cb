"""Checks on the narration's actual timings and the voice stem: pace, articulation, volume, risk share, language."""

from __future__ import annotations

import re

from services.composer.compliance import rules
from services.composer.compliance.audio import Series, median_lufs
from services.composer.compliance.ocr import tokens
from services.composer.compliance.report import Finding
from shared.script import NarrationTrack, SegmentTiming
from shared.statement import spoken_words

JARGON = ("contraindicated", "hepatotoxicity", "anaphylaxis", "myocardial", "hypersensitivity", "idiopathic",
          "nephrotoxicity", "thrombocytopenia", "pruritus", "dyspnea", "syncope", "sequelae")  # fmt: skip
PLAIN_GRADE_MAX = 8.0


def _spoken_s(segments: list[SegmentTiming]) -> float:
    return sum(s.end_s - s.start_s for s in segments)


def _wpm(segments: list[SegmentTiming]) -> float | None:
    seconds = _spoken_s(segments)
    return 60 * sum(spoken_words(s.text) for s in segments) / seconds if seconds > 0 else None


def statement_and_rest(track: NarrationTrack) -> tuple[list[SegmentTiming], list[SegmentTiming]]:
    statement = [s for s in track.segments if s.kind == "safety"]
    return statement, [s for s in track.segments if s.kind != "safety"]


def pace(track: NarrationTrack) -> Finding:
    statement, rest = statement_and_rest(track)
    stmt_wpm, rest_wpm = _wpm(statement), _wpm(rest)
    if stmt_wpm is None:
        return Finding("MS-PACE", False, "the statement is not in the narration")
    if rest_wpm is None:
        ok = stmt_wpm <= rules.STATEMENT_WPM_MAX
        return Finding("MS-PACE", ok, f"statement {stmt_wpm:.0f} wpm; no other narration", round(stmt_wpm, 1))
    ratio = stmt_wpm / rest_wpm
    ok = ratio <= rules.PACE_RATIO_MAX + 0.005 and stmt_wpm <= rules.STATEMENT_WPM_MAX
    return Finding("MS-PACE", ok, f"statement {stmt_wpm:.0f} wpm, rest {rest_wpm:.0f} wpm, ratio {ratio:.2f}",
                   round(ratio, 3))  # fmt: skip


def articulation(track: NarrationTrack, voice: str) -> Finding:
    """Same voice for every segment (as recorded in the timings, else the request's), speed not above the rest's."""
    statement, rest = statement_and_rest(track)
    if not statement:
        return Finding("MS-ARTICULATION", False, "the statement is not in the narration")
    voices = sorted({s.voice for s in track.segments if s.voice} or {voice})
    top = max(s.speed for s in statement)
    rest_speeds = sorted(s.speed for s in rest)
    usual = rest_speeds[len(rest_speeds) // 2] if rest_speeds else top
    ok = len(voices) == 1 and top <= usual + 0.01
    return Finding("MS-ARTICULATION", ok, f"voice {', '.join(voices)}; statement speed {top:.2f}, rest {usual:.2f}",
                   round(top - usual, 3))  # fmt: skip


def volume(track: NarrationTrack, voice: Series) -> Finding:
    statement, rest = statement_and_rest(track)
    stmt = median_lufs(voice, [(s.start_s, s.end_s) for s in statement])
    other = median_lufs(voice, [(s.start_s, s.end_s) for s in rest])
    if stmt is None:
        return Finding("MS-VOLUME", False, "no voice measured during the statement")
    if other is None:
        return Finding("MS-VOLUME", True, f"statement voice {stmt:.1f} LUFS; no other narration", 0.0)
    drop = other - stmt
    measured = f"voice momentary {stmt:.1f} LUFS in the statement, {other:.1f} LUFS elsewhere"
    return Finding("MS-VOLUME", drop <= rules.VOLUME_DROP_MAX_LU, measured, round(-drop, 1))


def risk_share(track: NarrationTrack) -> Finding:
    statement, _ = statement_and_rest(track)
    total = _spoken_s(track.segments)
    share = _spoken_s(statement) / total if total else 0.0
    return Finding("FB-TIME", share >= rules.RISK_SHARE_MIN, f"statement {share:.0%} of the spoken time",
                   round(share, 3))  # fmt: skip


def _syllables(word: str) -> int:
    groups = re.findall(r"[aeiouy]+", word)
    return max(1, len(groups) - (1 if word.endswith("e") and len(groups) > 1 else 0))


def language(statement: str) -> Finding:
    """Flesch–Kincaid grade and a short jargon list: a warning only, FDA sets no grade."""
    words = tokens(statement)
    sentences = max(1, len(re.findall(r"[.!?]+", statement)))
    if not words:
        return Finding("MS-LANGUAGE", False, "no statement text")
    grade = 0.39 * len(words) / sentences + 11.8 * sum(map(_syllables, words)) / len(words) - 15.59
    jargon = sorted({w for w in words if w in JARGON})
    ok = grade <= PLAIN_GRADE_MAX and not jargon
    found = f"; jargon: {', '.join(jargon)}" if jargon else ""
    return Finding("MS-LANGUAGE", ok, f"reading grade {grade:.1f} (plain language <= {PLAIN_GRADE_MAX:.0f}){found}",
                   round(grade, 1))  # fmt: skip

"""TD-CAPTIONS: the WebVTT file's cues cover every narration segment, in time and in words."""

from __future__ import annotations

import re

from services.composer.compliance.ocr import token_ratio, tokens
from services.composer.compliance.report import Finding
from shared.script import NarrationTrack

_CUE_TIME = re.compile(r"(\d+):(\d\d):(\d\d)\.(\d{3})\s*-->\s*(\d+):(\d\d):(\d\d)\.(\d{3})")
COVER_MIN = 0.9


def parse_cues(vtt: str) -> list[tuple[float, float, str]]:
    cues = []
    for block in vtt.replace("\r\n", "\n").split("\n\n"):
        lines = block.strip().splitlines()
        for i, line in enumerate(lines):
            if match := _CUE_TIME.search(line):
                h1, m1, s1, ms1, h2, m2, s2, ms2 = map(int, match.groups())
                start = h1 * 3600 + m1 * 60 + s1 + ms1 / 1000
                end = h2 * 3600 + m2 * 60 + s2 + ms2 / 1000
                cues.append((start, end, " ".join(lines[i + 1 :])))
                break
    return cues


def captions(vtt: str | None, track: NarrationTrack | None) -> Finding:
    if track is None or not track.segments:
        return Finding("TD-CAPTIONS", True, "no narration: nothing to caption", 1.0)
    if not vtt or not vtt.lstrip().startswith("WEBVTT"):
        return Finding("TD-CAPTIONS", False, "no WebVTT captions", 0.0)
    cues = parse_cues(vtt)
    covered = 0
    for segment in track.segments:
        span = segment.end_s - segment.start_s
        overlapping = [c for c in cues if c[1] > segment.start_s and c[0] < segment.end_s]
        timed = sum(min(c[1], segment.end_s) - max(c[0], segment.start_s) for c in overlapping)
        words = token_ratio(tokens(segment.text), tokens(" ".join(c[2] for c in overlapping)))
        covered += timed >= COVER_MIN * span and words >= COVER_MIN
    share = covered / len(track.segments)
    return Finding("TD-CAPTIONS", covered == len(track.segments),
                   f"{covered} of {len(track.segments)} narration segments covered by {len(cues)} cues",
                   round(share, 3))  # fmt: skip

"""WebVTT captions from the narration's actual timings, in cues short enough to read.

A long segment is split at word boundaries into cues of at most two lines of ~42 characters,
each timed in proportion to its share of the segment's characters. Cue text is escaped (`&`, `<`, `>`)
so narration can neither open a tag nor end its cue with a `-->` of its own.
"""

from __future__ import annotations

import textwrap

from shared.script import NarrationTrack

LINE_CHARS = 42
LINES_PER_CUE = 2


def _timestamp(seconds: float) -> str:
    millis = max(0, round(seconds * 1000))
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"


def escape_cue_text(text: str) -> str:
    """WebVTT cue text with its three special characters as entities (`&` first, so no entity is doubled)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def cue_texts(text: str) -> list[str]:
    """The segment's words in cues of at most LINES_PER_CUE lines of LINE_CHARS (lines joined by newlines)."""
    lines = textwrap.wrap(" ".join(text.split()), LINE_CHARS, break_long_words=True)
    return ["\n".join(lines[i : i + LINES_PER_CUE]) for i in range(0, len(lines), LINES_PER_CUE)]


def to_webvtt(track: NarrationTrack) -> str:
    blocks = ["WEBVTT"]
    for segment in track.segments:
        texts = cue_texts(segment.text)
        total_chars = sum(len(t) for t in texts) or 1
        start, span = segment.start_s, segment.end_s - segment.start_s
        for text in texts:
            end = start + span * len(text) / total_chars
            blocks.append(f"{_timestamp(start)} --> {_timestamp(end)}\n{escape_cue_text(text)}")
            start = end
    return "\n\n".join(blocks) + "\n"

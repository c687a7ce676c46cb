"""The script's timeline: scene durations that add up exactly, and the windows speech must fit in.

Durations are whole tenths of a second so they sum to the ad's length without rounding drift.
Word budgets assume a calm read of ~2.3 words/s, scaled by a segment's speed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CALM_WORDS_PER_S = 2.3
SAFETY_SPEED = 1.45
_LEAD_IN_S = 0.3  # a breath after the cut before the voice starts
_TAIL_S = 0.2  # the voice ends before the next cut
SAFETY_TAIL = "See full safety information."


@dataclass(frozen=True)
class Window:
    start_s: float
    end_s: float

    def word_budget(self, speed: float = 1.0) -> int:
        return int((self.end_s - self.start_s) * CALM_WORDS_PER_S * speed)


def scene_durations(total_s: float, weights: list[float]) -> list[float]:
    """Durations proportional to `weights`, in tenths, the last absorbing rounding so the sum is exact."""
    tenths = round(total_s * 10)
    scale = sum(weights)
    parts = [round(tenths * w / scale) for w in weights[:-1]]
    parts.append(tenths - sum(parts))
    return [p / 10 for p in parts]


def speech_window(start_s: float, end_s: float) -> Window:
    """The part of a span the voice may use: a short lead-in after the cut and a tail before the next."""
    lead = min(_LEAD_IN_S, (end_s - start_s) / 8)
    tail = min(_TAIL_S, (end_s - start_s) / 8)
    return Window(round(start_s + lead, 2), round(end_s - tail, 2))


def words(text: str) -> int:
    return len(text.split())


def longest_fitting(variants: list[str], budget: int) -> str | None:
    """The wordiest line that fits the budget (lines read better long than rushed), or None."""
    fitting = [v for v in variants if words(v) <= budget]
    return max(fitting, key=words) if fitting else None


def shorten_disclosure(text: str, budget: int) -> str:
    """Side-effect text cut to `budget` words at sentence, then clause, then word boundaries.

    When anything is dropped the reader is pointed to the full on-screen information.
    """
    text = " ".join(text.split())
    if words(text) <= budget:
        return text
    room = budget - words(SAFETY_TAIL)
    sentences = re.split(r"(?<=[.;!?])\s+", text)
    kept = _leading_within(sentences, room, " ")
    if not kept:
        clauses = re.split(r"(?<=,)\s+", sentences[0])
        kept = _leading_within(clauses, room, " ").rstrip(",")
    if not kept:
        return " ".join(text.split()[: max(1, budget)]).rstrip(",;:") + "."
    kept = kept if kept[-1] in ".!?" else kept.rstrip(";:") + "."
    return f"{kept} {SAFETY_TAIL}"


def _leading_within(pieces: list[str], budget: int, joiner: str) -> str:
    kept: list[str] = []
    for piece in pieces:
        if words(joiner.join([*kept, piece])) > budget:
            break
        kept.append(piece)
    return joiner.join(kept)

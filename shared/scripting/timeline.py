"""The script's timeline: scene durations that add up exactly, and the windows speech must fit in.

Durations are whole tenths of a second so they sum to the ad's length without rounding drift.
Word budgets assume a calm read of ~2.3 words/s (138 wpm, the slow side of the 140–160 wpm calm read), so
every line fits its window whatever the voice.
"""

from __future__ import annotations

from dataclasses import dataclass

CALM_WORDS_PER_S = 2.3
_LEAD_IN_S = 0.3  # a breath after the cut before the voice starts
_TAIL_S = 0.2  # the voice ends before the next cut


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

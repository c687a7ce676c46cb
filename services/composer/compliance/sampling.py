"""When to look: frame sample times and the strip window, from the narration's actual timings."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from shared.script import SegmentTiming

MAX_GAP_S = 2.5  # a page shorter than this between two samples could go unseen
STRIP_MARGIN_S = 1.5
END_CARD_LEAD_S = 0.4


def statement_samples(spoken: Sequence[SegmentTiming]) -> list[float]:
    """The middle of each spoken piece, plus more so no two samples inside the statement are MAX_GAP_S apart."""
    if not spoken:
        return []
    times = sorted((s.start_s + s.end_s) / 2 for s in spoken)
    edges = [spoken[0].start_s + 0.4, *times, spoken[-1].end_s - 0.2]
    filled: list[float] = []
    for a, b in itertools.pairwise(edges):
        steps = int((b - a) // MAX_GAP_S)
        filled += [a + (b - a) * k / (steps + 1) for k in range(1, steps + 1)]
    return sorted({round(t, 3) for t in [*times, *filled]})


def strip_window(spoken: Sequence[SegmentTiming], duration_s: float) -> tuple[float, float] | None:
    if not spoken:
        return None
    return max(0.0, spoken[0].start_s - STRIP_MARGIN_S), min(duration_s, spoken[-1].end_s + STRIP_MARGIN_S)


def other_samples(rest: Sequence[SegmentTiming], duration_s: float) -> tuple[float, float]:
    """A frame while the benefit narration plays (or at a fifth of the ad) and one just before the end."""
    benefit = (rest[0].start_s + rest[0].end_s) / 2 if rest else duration_s / 5
    return round(benefit, 3), round(max(0.0, duration_s - END_CARD_LEAD_S), 3)

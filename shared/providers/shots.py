"""How a video model bills a scene: the shot lengths it renders, and the shots a scene of a given length needs.

Veo renders 4, 6 or 8 s, Kling 5 or 10 s; a scene is rendered at the shortest length that covers it, and one
longer than the model's longest shot as equal parts. Both the clips stage (what it asks for) and the quote
(what it will cost) read it here, so the estimate bills the seconds the model will bill.
"""

from __future__ import annotations

import math

DURATIONS_S: dict[str, tuple[int, ...]] = {"veo": (4, 6, 8), "kling": (5, 10)}


def family(model: str) -> str:
    return "kling" if model.startswith("kwaivgi/kling") else "veo"


def snap_duration(model: str, seconds: float) -> int:
    """The shortest duration the model allows that covers `seconds` (its longest when none does)."""
    allowed = DURATIONS_S[family(model)]
    return next((d for d in allowed if d >= seconds - 0.01), allowed[-1])


def shot_durations(model: str, seconds: float) -> list[int]:
    """The generations a scene needs: one when the model's longest shot covers it, else equal parts."""
    longest = DURATIONS_S[family(model)][-1]
    parts = max(1, math.ceil((seconds - 0.01) / longest))
    return [snap_duration(model, seconds / parts)] * parts

"""The narration's pace: measured on the speech as spoken, corrected once when it is not a calm read.

Every line aims at a calm 150 words per minute and must land in 140–160, whatever engine speaks and however
its `speed` setting maps to words per minute. The rest of the ad is measured as one read (one speed for all
of it); the major statement then aims a little under the rest's measured pace, with a speed setting never
above the rest's (MS-PACE, MS-ARTICULATION). A statement the request asked to read fast is left fast.
"""

from __future__ import annotations

from shared.statement import CALM_WPM, MAX_WPM, MIN_WPM, spoken_words

MIN_SPEED, MAX_SPEED = 0.5, 2.0  # the script contract's bounds on a speaking speed
STATEMENT_MARGIN = 0.96  # the statement aims 4 % under the rest's measured pace, so it is never the faster
_EDGE = 2.0  # wpm kept clear of the window's edges when deciding whether to correct


def words_per_minute(texts: list[str], seconds: list[float]) -> float:
    """Words (as read aloud) per minute of audible speech."""
    total_s = sum(seconds)
    return sum(spoken_words(t) for t in texts) * 60.0 / total_s if total_s > 0 else 0.0


def _clamped(speed: float) -> float:
    return round(min(MAX_SPEED, max(MIN_SPEED, speed)), 3)


def rest_speed(speed: float, measured_wpm: float) -> float | None:
    """The speed to re-speak the ad's lines at so they read at CALM_WPM, or None when they already read calmly."""
    if measured_wpm <= 0 or MIN_WPM + _EDGE <= measured_wpm <= MAX_WPM - _EDGE:
        return None
    corrected = _clamped(speed * CALM_WPM / measured_wpm)
    return corrected if abs(corrected - speed) > 0.005 else None


def statement_speed(speed: float, measured_wpm: float, *, rest_speed: float, rest_wpm: float) -> float | None:
    """The speed to re-speak the statement at so it reads calmly and no faster than the rest, or None.

    The result never exceeds the rest's speed setting: the statement is never read with a faster setting.
    """
    ceiling = min(MAX_WPM - _EDGE, rest_wpm if rest_wpm > 0 else MAX_WPM)
    if measured_wpm <= 0 or MIN_WPM <= measured_wpm <= ceiling * 0.99:
        return None
    target = max(MIN_WPM, min(CALM_WPM, ceiling * STATEMENT_MARGIN))
    corrected = min(rest_speed, _clamped(speed * target / measured_wpm))
    return corrected if abs(corrected - speed) > 0.005 else None

"""MS-NO-DISTRACT: while the statement is spoken, the music sits well under the voice, no other text is
on screen, and the picture cuts no faster than in the rest of the ad."""

from __future__ import annotations

from collections.abc import Sequence

from services.composer.compliance import rules
from services.composer.compliance.audio import Series, margin_db
from services.composer.compliance.report import Finding


def cuts_per_minute(cut_times_s: Sequence[float], span: tuple[float, float], duration_s: float) -> tuple[float, float]:
    """Cut rate inside the span and in the rest of the ad (per minute)."""
    inside = sum(span[0] <= t <= span[1] for t in cut_times_s)
    inside_s, rest_s = span[1] - span[0], duration_s - (span[1] - span[0])
    rate_in = 60 * inside / inside_s if inside_s > 0 else 0.0
    rate_rest = 60 * (len(cut_times_s) - inside) / rest_s if rest_s > 0 else 0.0
    return round(rate_in, 1), round(rate_rest, 1)


def no_distraction(
    *,
    voice: Series | None,
    music: Series | None,
    spoken: Sequence[tuple[float, float]],
    other_words: Sequence[str],
    cut_times_s: Sequence[float],
    duration_s: float,
) -> Finding:
    problems, notes = [], []
    margin = margin_db(voice, music, spoken) if voice and music else None
    if margin is None:
        problems.append("voice and music stems not measured")
    else:
        notes.append(f"music {margin:.1f} dB under the voice")
        if margin < rules.MUSIC_MARGIN_MIN_DB:
            problems.append(f"music only {margin:.1f} dB under the voice")
    if other_words:
        problems.append(f"other text on screen: {' '.join(sorted(set(other_words))[:8])}")
    span = (min(a for a, _ in spoken), max(b for _, b in spoken)) if spoken else (0.0, 0.0)
    rate_in, rate_rest = cuts_per_minute(cut_times_s, span, duration_s)
    notes.append(f"cuts {rate_in:.0f}/min during it, {rate_rest:.0f}/min elsewhere")
    if rate_in > rate_rest:
        problems.append(f"cuts faster during the statement ({rate_in:.0f}/min vs {rate_rest:.0f}/min)")
    measured = "; ".join(problems) if problems else "; ".join(notes)
    return Finding("MS-NO-DISTRACT", not problems, measured, margin)

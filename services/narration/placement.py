"""Fitting spoken segments into the script's windows and laying them on one track.

Where a segment starts (never sped up to fit: the pace is a calm read, see pace.py) and the ffmpeg
arguments that place each segment at its start in a track of the ad's full length.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

GAP_S = 0.15  # the least silence between two segments so they never run together


@dataclass(frozen=True)
class Placed:
    """A spoken segment file and where it sits on the track."""

    path: Path
    start_s: float
    duration_s: float

    @property
    def end_s(self) -> float:
        return self.start_s + self.duration_s


def start_for(*, window_start_s: float, previous_end_s: float | None, duration_s: float, total_s: float) -> float:
    """At the window's start, but after the previous segment, and pulled earlier if it would run past the end."""
    earliest = 0.0 if previous_end_s is None else previous_end_s + GAP_S
    start = max(window_start_s, earliest)
    if start + duration_s > total_s:
        start = max(earliest, total_s - duration_s)
    return round(start, 3)


def mix_args(placed: list[Placed], *, total_s: float, out: Path) -> list[str]:
    """ffmpeg arguments: each segment delayed to its start, mixed unscaled, padded and cut to `total_s`, MP3."""
    inputs: list[str] = []
    chains: list[str] = []
    for k, item in enumerate(placed):
        inputs += ["-i", str(item.path)]
        delay_ms = round(item.start_s * 1000)
        chains.append(
            f"[{k}:a]aresample=44100,aformat=sample_fmts=fltp:channel_layouts=mono,adelay={delay_ms}:all=1[s{k}]"
        )
    labels = "".join(f"[s{k}]" for k in range(len(placed)))
    total = f"{total_s:.3f}"
    chains.append(
        f"{labels}amix=inputs={len(placed)}:normalize=0:dropout_transition=0,"
        f"apad=whole_dur={total},atrim=end={total}[voice]"
    )
    return [
        *inputs,
        "-filter_complex", ";".join(chains),
        "-map", "[voice]",
        "-ar", "44100", "-ac", "1",
        "-c:a", "libmp3lame", "-b:a", "128k",
        str(out),
    ]  # fmt: skip

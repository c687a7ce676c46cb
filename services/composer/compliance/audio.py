"""Audio measurements with ffmpeg's ebur128: the final mix's loudness and true peak, the stems' loudness series.

Stems are measured as the composer mixed them (stereo, 48 kHz, before the one linear loudness gain),
so voice-over-music margins read here are the margins heard in the ad. Margins use momentary loudness
(400 ms): the 3 s short-term window would still hold the music from before a duck for 3 s and
blame a duck that starts with the statement.
"""

from __future__ import annotations

import bisect
import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from services.composer.loudness import Loudness, measure_filter_args, parse_measurement
from shared.ffmpeg import run_tool

SILENT_LUFS = -70.0  # ebur128 reports -inf or -70 and below for silence; clamp there


@dataclass(frozen=True)
class Series:
    """Momentary loudness (400 ms window), every 100 ms: times and LUFS."""

    times_s: tuple[float, ...]
    lufs: tuple[float, ...]

    def within(self, windows: Iterable[tuple[float, float]]) -> list[float]:
        spans = list(windows)
        return [v for t, v in zip(self.times_s, self.lufs, strict=True) if any(a <= t <= b for a, b in spans)]

    def at(self, t: float) -> float:
        """The value at the last measurement not after `t` (the series is in time order)."""
        index = bisect.bisect_right(self.times_s, t) - 1
        return self.lufs[index] if index >= 0 else SILENT_LUFS


def _ffmpeg_ebur128(path: Path, options: str) -> list[str]:
    return ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-i", str(path), "-map", "0:a:0",
            "-af", f"ebur128={options},ametadata=mode=print:file=-", "-f", "null", "-"]  # fmt: skip


async def final_loudness(video: Path, *, timeout_s: float) -> Loudness:
    """Integrated loudness, LRA and true peak of the ad's audio as delivered (after AAC)."""
    options = ":".join(f"{k}={v}" for k, v in measure_filter_args()[0][1].items())
    printed = await run_tool(_ffmpeg_ebur128(video, options), timeout_s=timeout_s)
    return parse_measurement(printed.decode())


def parse_momentary(printed: str) -> Series:
    times, values, now = [], [], 0.0
    for line in printed.splitlines():
        if line.startswith("frame:"):
            now = float(line.rsplit("pts_time:", 1)[1])
        elif line.startswith("lavfi.r128.M="):
            value = float(line.partition("=")[2])
            times.append(now)
            values.append(max(SILENT_LUFS, value))
    return Series(tuple(times), tuple(values))


async def momentary(stem: Path, *, timeout_s: float) -> Series:
    printed = await run_tool(_ffmpeg_ebur128(stem, "metadata=1"), timeout_s=timeout_s)
    return parse_momentary(printed.decode())


def interior(windows: Iterable[tuple[float, float]], *, settle_s: float = 0.4) -> list[tuple[float, float]]:
    """Each window less its first `settle_s` (the momentary window lags the speech); short ones keep their end."""
    return [(min(a + settle_s, b), b) for a, b in windows]


def margin_db(voice: Series, music: Series, windows: Iterable[tuple[float, float]]) -> float | None:
    """How far the music sits under the voice while it speaks: the 10th percentile of (voice − music), in dB.

    Only voiced moments count (within 10 LU of the voice's median there): a pause between words is not speech.
    """
    spans = interior(windows)
    voiced = [(t, v) for t, v in zip(voice.times_s, voice.lufs, strict=True) if any(a <= t <= b for a, b in spans)]
    if not voiced:
        return None
    floor = statistics.median(v for _, v in voiced) - 10.0
    margins = [v - music.at(t) for t, v in voiced if v >= floor]
    if not margins:
        return None
    margins.sort()
    return round(margins[len(margins) // 10], 1)


def median_lufs(series: Series, windows: Iterable[tuple[float, float]]) -> float | None:
    values = series.within(interior(windows))
    return round(statistics.median(values), 1) if values else None

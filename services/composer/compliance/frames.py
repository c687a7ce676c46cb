"""One decoding pass over the rendered ad: sampled full-size frames, a small grey strip, scene cuts.

Decoding dominates the checker's cost, so everything the pixels are needed for comes out of one
ffmpeg run: RGB frames at the sample times (for OCR and pixel metrics), every frame of the statement
window as small grey images (to time each page), and `scdet` scene changes over the whole ad.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from shared.ffmpeg import ffmpeg

STRIP_WIDTH = 320
SCENE_CHANGE_THRESHOLD = 12.0  # scdet score (0–100, on the grey strip) above which a frame starts a new shot
Frame = npt.NDArray[np.uint8]


@dataclass(frozen=True)
class Strip:
    """Every frame of a window, small and grey: frame i is shown at `start_s + i / fps`."""

    start_s: float
    fps: float
    frames: Frame  # (count, height, width)
    scale: float  # strip pixels per frame pixel

    def time_of(self, index: int) -> float:
        return self.start_s + index / self.fps

    def index_at(self, t: float) -> int:
        return min(len(self.frames) - 1, max(0, round((t - self.start_s) * self.fps)))


@dataclass(frozen=True)
class VideoSamples:
    frames: dict[float, Frame]  # sample time → RGB (height, width, 3), full size
    strip: Strip | None
    cut_times_s: tuple[float, ...]


def frame_number(t: float, fps: float, duration_s: float) -> int:
    return min(max(0, math.floor(duration_s * fps) - 1), max(0, round(t * fps)))


def decode_args(video: Path, *, numbers: list[int], window: tuple[float, float] | None, strip_height: int,
                fps: float, out: Path) -> list[str]:  # fmt: skip
    """ffmpeg arguments for the one pass; outputs go to files in `out` (frames.rgb, strip.gray, cuts.txt)."""
    select = "+".join(f"eq(n\\,{n})" for n in numbers) or "0"
    # One cheap downscale to grey feeds both the cut detector and the strip (a 1080p scale per frame is
    # the costliest filter here).
    small = f"[m]scale={STRIP_WIDTH}:{strip_height}:flags=fast_bilinear,format=gray"
    graph = [
        "[0:v]split=2[s][m]",
        f"[s]select='{select}',format=rgb24[so]",
        small + (",split=2[c][w]" if window else "[c]"),
        f"[c]scdet=threshold={SCENE_CHANGE_THRESHOLD},"
        f"metadata=mode=print:key=lavfi.scd.time:file='{out / 'cuts.txt'}'[co]",
    ]
    outputs = ["-map", "[so]", "-fps_mode", "passthrough", "-f", "rawvideo", str(out / "frames.rgb"),
               "-map", "[co]", "-f", "null", "-"]  # fmt: skip
    if window:
        start_frame, end_frame = round(window[0] * fps), round(window[1] * fps)
        graph.append(f"[w]trim=start_frame={start_frame}:end_frame={end_frame}[wo]")
        outputs += ["-map", "[wo]", "-fps_mode", "passthrough", "-f", "rawvideo", str(out / "strip.gray")]
    return ["-i", str(video), "-filter_complex", ";".join(graph), *outputs]


def parse_cuts(printed: str) -> tuple[float, ...]:
    return tuple(float(line.partition("=")[2]) for line in printed.splitlines() if line.startswith("lavfi.scd.time="))


async def decode(
    video: Path,
    *,
    size: tuple[int, int],
    fps: float,
    duration_s: float,
    times_s: list[float],
    window: tuple[float, float] | None,
    workdir: Path,
    timeout_s: float,
) -> VideoSamples:
    width, height = size
    strip_height = round(height * STRIP_WIDTH / width / 2) * 2
    numbers = sorted({frame_number(t, fps, duration_s) for t in times_s})
    workdir.mkdir(parents=True, exist_ok=True)
    args = decode_args(video, numbers=numbers, window=window, strip_height=strip_height, fps=fps, out=workdir)
    await ffmpeg(args, timeout_s=timeout_s)
    raw = np.fromfile(workdir / "frames.rgb", dtype=np.uint8)
    decoded = raw[: len(raw) // (width * height * 3) * width * height * 3].reshape(-1, height, width, 3)
    by_number = dict(zip(numbers, decoded, strict=False))
    frames = {t: by_number[n] for t in times_s if (n := frame_number(t, fps, duration_s)) in by_number}
    strip = None
    if window:
        gray = np.fromfile(workdir / "strip.gray", dtype=np.uint8)
        count = len(gray) // (STRIP_WIDTH * strip_height)
        strip_frames = gray[: count * STRIP_WIDTH * strip_height].reshape(count, strip_height, STRIP_WIDTH)
        strip = Strip(start_s=round(window[0] * fps) / fps, fps=fps, frames=strip_frames, scale=STRIP_WIDTH / width)
    cuts_file = workdir / "cuts.txt"
    cuts = parse_cuts(cuts_file.read_text()) if cuts_file.exists() else ()
    return VideoSamples(frames=frames, strip=strip, cut_times_s=cuts)

"""Measurements on real media for tests: streams, loudness, frames — all through ffmpeg/ffprobe."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any


def probe(path: Path) -> dict[str, Any]:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-print_format", "json", "-show_format", "-show_streams", str(path)],
        check=True, capture_output=True,
    ).stdout  # fmt: skip
    result: dict[str, Any] = json.loads(out)
    return result


def streams(path: Path, kind: str) -> list[dict[str, Any]]:
    return [s for s in probe(path)["streams"] if s["codec_type"] == kind]


def integrated_loudness_lufs(path: Path) -> float:
    """EBU R128 integrated loudness, as ffmpeg's ebur128 filter measures it."""
    err = subprocess.run(
        ["ffmpeg", "-nostdin", "-hide_banner", "-i", str(path), "-map", "0:a:0", "-af", "ebur128", "-f", "null", "-"],
        check=True, capture_output=True, text=True,
    ).stderr  # fmt: skip
    summary = err[err.rindex("Summary:") :]
    match = re.search(r"I:\s+(-?[\d.]+) LUFS", summary)
    assert match, summary
    return float(match.group(1))


def gray_frame(
    path: Path, *, at_s: float | None = None, last: bool = False, size: tuple[int, int] = (160, 90)
) -> bytes:
    """One frame, scaled down and grey, as raw bytes: enough to compare pictures.

    `last` decodes the final tenth of a second and keeps its last frame.
    """
    seek = ["-sseof", "-0.1"] if last else ["-ss", f"{at_s or 0.0:.3f}", "-frames:v", "1"]
    scale = f"scale={size[0]}:{size[1]}"
    out = subprocess.run(
        ["ffmpeg", "-v", "error", *seek[:2], "-i", str(path), *seek[2:], "-vf", scale,
         "-f", "rawvideo", "-pix_fmt", "gray", "-"],
        check=True, capture_output=True,
    ).stdout  # fmt: skip
    frame_bytes = size[0] * size[1]
    return out[-frame_bytes:]


def mean_abs_diff(a: bytes, b: bytes) -> float:
    assert len(a) == len(b)
    assert a
    return sum(abs(x - y) for x, y in zip(a, b, strict=True)) / len(a)


def band(frame: bytes, size: tuple[int, int], top_fraction: float, bottom_fraction: float) -> bytes:
    """A horizontal band of a grey frame (e.g. the lower third)."""
    width, height = size
    return frame[int(height * top_fraction) * width : int(height * bottom_fraction) * width]

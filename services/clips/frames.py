"""Stills taken from a clip: its last frame (the next scene's start image) and a thumbnail."""

from __future__ import annotations

from pathlib import Path

from shared.ffmpeg import ffmpeg

_STILL_TIMEOUT_S = 60.0
THUMBNAIL_WIDTH = 480


def last_frame_args(clip: Path, out: Path) -> list[str]:
    """Seek near the end and keep overwriting one image, so the file holds the very last decoded frame.

    PNG, not JPEG: the next clip opens on this image, and a lossy copy would show at the cut.
    """
    return ["-sseof", "-0.5", "-i", str(clip), "-update", "1", "-an", str(out)]


def thumbnail_args(clip: Path, out: Path, *, at_s: float) -> list[str]:
    return [
        "-ss", f"{at_s:.3f}", "-i", str(clip), "-frames:v", "1", "-an",
        "-vf", f"scale={THUMBNAIL_WIDTH}:-2", "-q:v", "3", str(out),
    ]  # fmt: skip


async def extract_last_frame(clip: Path, out: Path) -> Path:
    await ffmpeg(last_frame_args(clip, out), timeout_s=_STILL_TIMEOUT_S)
    return out


async def extract_thumbnail(clip: Path, out: Path, *, at_s: float) -> Path:
    await ffmpeg(thumbnail_args(clip, out, at_s=at_s), timeout_s=_STILL_TIMEOUT_S)
    return out

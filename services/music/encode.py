"""The MP3 the music stage publishes: 44.1 kHz stereo, trimmed to the ad's length."""

from __future__ import annotations

from pathlib import Path


def mp3_args(source: Path, out: Path, *, duration_s: float) -> list[str]:
    """ffmpeg arguments (after the runner's defaults) that encode `source` to the published MP3."""
    return [
        "-i", str(source),
        "-t", f"{duration_s:.3f}",
        "-ar", "44100", "-ac", "2",
        "-c:a", "libmp3lame", "-b:a", "192k",
        str(out),
    ]  # fmt: skip

"""ffmpeg commands (as data) that fit a model's output to what the stage promised.

Models produce what they allow (Veo: 4/6/8 s, 16:9 or 9:16, 24 fps; Minimax: a song of its own
length); the stage contract is exact: a clip of the scene's duration at the script's frame size and
fps, a track of the requested length. Fitting is local and cheap, so it is always done.
"""

from __future__ import annotations

from pathlib import Path

MUSIC_FADE_S = 1.5


def fit_clip_args(
    src: Path,
    out: Path,
    *,
    width: int,
    height: int,
    fps: int,
    duration_s: float,
    preset: str,
    crf: int,
    retime_from_s: float | None = None,
) -> list[str]:
    """Cover the frame (scale up, centre-crop: a 16:9 render becomes 1:1 by cropping), hold the last
    frame if the render is short, and cut at exactly `duration_s`; no audio track.

    With `retime_from_s` (the render's own length) the render is sped up or slowed to `duration_s`
    instead of cut, so its last frame survives: a clip rendered to an end keyframe must end on it.
    """
    frames = round(duration_s * fps)
    retime = f"setpts=PTS*{duration_s / retime_from_s:.6f}," if retime_from_s else ""
    vf = (
        f"{retime}scale={width}:{height}:force_original_aspect_ratio=increase,crop={width}:{height},setsar=1,"
        f"fps={fps},tpad=stop_mode=clone:stop_duration={duration_s:.3f}"
    )
    return [
        "-i", str(src), "-vf", vf, "-frames:v", str(frames), "-an",
        "-c:v", "libx264", "-preset", preset, "-crf", str(crf), "-pix_fmt", "yuv420p",
        "-movflags", "+faststart", str(out),
    ]  # fmt: skip


def start_image_args(frame: Path, out: Path, *, max_width: int = 1280) -> list[str]:
    """A small JPEG of the previous scene's last frame, small enough to send inline as a data: URL."""
    return ["-i", str(frame), "-vf", f"scale='min({max_width},iw)':-2", "-frames:v", "1", "-q:v", "5", str(out)]


def fit_track_args(src: Path, out: Path, *, duration_s: float, fade_s: float = MUSIC_FADE_S) -> list[str]:
    """Loop the track if it is short, cut it at `duration_s`, fade in briefly and fade out at the end."""
    fade = min(fade_s, duration_s / 4)
    af = f"afade=t=in:d={min(0.3, fade):.3f},afade=t=out:st={duration_s - fade:.3f}:d={fade:.3f}"
    return ["-stream_loop", "-1", "-i", str(src), "-t", f"{duration_s:.3f}", "-af", af, "-vn", str(out)]

"""The ffmpeg command for one scene's local footage, built as data.

The scene is drawn at a quarter of the frame size (gradients, soft drifting shapes, a vignette: cheap
there), then scaled up once with a slow camera push. With a start frame, the clip opens on that exact
image, pushes into it, and dissolves into the new scene (visual continuity across the cut).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ffmpeg

from services.clips.look import SceneLook

Stream = Any  # an ffmpeg-python stream node (the library is untyped)
TRANSITION_S = 1.2
# Clips are intermediates the composer re-encodes: a fast preset at a lower CRF keeps them clean and
# halves the render time (x264 dominates: veryfast 7.0 s vs superfast 3.4 s per 6 s 1080p clip here).
INTERMEDIATE_PRESET = "superfast"
INTERMEDIATE_CRF_BONUS = 2


def _even(value: float) -> int:
    return max(2, int(value) // 2 * 2)


def _channel(color: str, index: int) -> str:
    """One 0–255 channel of a `0xRRGGBB` colour, as a constant geq expression."""
    return str(int(color[2 + 2 * index : 4 + 2 * index], 16))


def _shapes(look: SceneLook, *, low_h: int, fps: int, duration_s: float) -> list[Stream]:
    """One soft round shape per blob: drawn once (geq on a single frame) and looped, so it costs nothing.

    Blobs that look alike share one drawing through `split`: ffmpeg-python merges identical nodes, and
    a merged node may not feed two filters. The source is coloured per blob so distinct blobs stay apart.
    """
    drawn: dict[tuple[str, int], list[int]] = {}
    for number, blob in enumerate(look.blobs):
        drawn.setdefault((blob.color, _even(low_h * blob.size)), []).append(number)
    shapes: list[Stream] = [None] * len(look.blobs)
    for (color, side), numbers in drawn.items():
        shape = (
            ffmpeg.input(f"color=c={color}:s={side}x{side}:r={fps}:d={1 / fps:.4f}", f="lavfi")
            .filter("format", "rgba")
            .filter(
                "geq",
                r=_channel(color, 0),
                g=_channel(color, 1),
                b=_channel(color, 2),
                a="110*exp(-((X-W/2)*(X-W/2)+(Y-H/2)*(Y-H/2))/(W*W/14))",
            )
            .filter("loop", loop=-1, size=1)
            .filter("trim", duration=duration_s)
        )
        copies = (
            [shape]
            if len(numbers) == 1
            else [split[i] for split in [shape.filter_multi_output("split", len(numbers))] for i in range(len(numbers))]
        )
        for number, copy in zip(numbers, copies, strict=True):
            shapes[number] = copy
    return shapes


def _scene_content(look: SceneLook, *, size: tuple[int, int], fps: int, duration_s: float) -> Stream:
    width, height = size
    low_w, low_h = _even(width / 4), _even(height / 4)
    c0, c1, c2 = look.colors
    content = ffmpeg.input(
        f"gradients=s={low_w}x{low_h}:r={fps}:c0={c0}:c1={c1}:c2={c2}:n=3"
        f":seed={look.seed}:speed={look.gradient_speed:.4f}:d={duration_s:.3f}",
        f="lavfi",
    ).filter("format", "yuva420p")
    for blob, shape in zip(look.blobs, _shapes(look, low_h=low_h, fps=fps, duration_s=duration_s), strict=True):
        drift_x = f"(W-w)*(0.5+0.45*sin(2*PI*t/{blob.period_s:.2f}+{blob.phase:.3f}))"
        content = content.overlay(shape, x=drift_x, y=f"(H-h)*{blob.y:.3f}", eof_action="pass")
    zoom = (
        f"(1+{look.zoom_amount:.4f}*t/{duration_s:.3f})"
        if look.zoom_in
        else f"(1+{look.zoom_amount:.4f}*(1-t/{duration_s:.3f}))"
    )
    return (
        content.filter("vignette", angle=0.5)
        .filter("format", "yuv420p")
        .filter("scale", w=f"ceil({width}*{zoom}/2)*2", h=f"ceil({height}*{zoom}/2)*2", eval="frame", flags="bicubic")
        .filter("crop", width, height)
    )


def _opening_from(start_frame: Path, *, size: tuple[int, int], fps: int) -> Stream:
    """The previous scene's last frame, pushed into slowly and dissolved away over TRANSITION_S."""
    width, height = size
    zoom = f"(1+0.03*t/{TRANSITION_S})"
    return (
        ffmpeg.input(str(start_frame), loop=1, framerate=fps, t=TRANSITION_S)
        .filter("scale", w=f"ceil({width}*{zoom}/2)*2", h=f"ceil({height}*{zoom}/2)*2", eval="frame", flags="bicubic")
        .filter("crop", width, height)
        .filter("format", "yuva420p")
        .filter("fade", type="out", start_time=0.15, duration=TRANSITION_S - 0.15, alpha=1)
    )


def _closing_on(end_frame: Path, *, size: tuple[int, int], fps: int, duration_s: float) -> Stream:
    """The scene's end keyframe, dissolved in over TRANSITION_S so the clip's last frame is that image."""
    width, height = size
    return (
        ffmpeg.input(str(end_frame), loop=1, framerate=fps, t=duration_s)
        .filter("scale", width, height)
        .filter("format", "yuva420p")
        .filter("fade", type="in", start_time=max(0.0, duration_s - TRANSITION_S), duration=TRANSITION_S - 0.15,
                alpha=1)
    )  # fmt: skip


def clip_args(
    look: SceneLook,
    *,
    size: tuple[int, int],
    fps: int,
    duration_s: float,
    start_frame: Path | None,
    out: Path,
    preset: str,
    crf: int,
    end_frame: Path | None = None,
) -> list[str]:
    """ffmpeg arguments (without the program name) that render one scene to `out`."""
    video = _scene_content(look, size=size, fps=fps, duration_s=duration_s)
    if start_frame is not None:
        video = video.overlay(_opening_from(start_frame, size=size, fps=fps), eof_action="pass")
    if end_frame is not None:
        video = video.overlay(_closing_on(end_frame, size=size, fps=fps, duration_s=duration_s), eof_action="pass")
    video = video.filter("format", "yuv420p").filter("setsar", 1)
    frames = round(duration_s * fps)
    output = ffmpeg.output(
        video,
        str(out),
        vcodec="libx264",
        preset=preset,
        crf=crf,
        pix_fmt="yuv420p",
        r=fps,
        an=None,
        movflags="+faststart",
        **{"frames:v": frames},
    )
    args: list[str] = output.get_args()
    return args

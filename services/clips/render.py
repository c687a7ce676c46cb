"""The ffmpeg command for one scene's local footage, built as data: from its first keyframe to its last.

The clip opens on exactly the first frame and ends on exactly the last, so neighbouring scenes meet on
their shared keyframe. In between the camera pushes slowly into the first frame, then the last frame
dissolves in while the camera pulls out of it (two opposing moves under a crossfade: a dolly-through
dissolve, never a cut), and it lands at rest on that frame. A rainy scene gets a layer of rain falling
across it, faded in after the first frame and out before the last so both stay exact.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ffmpeg

Stream = Any  # an ffmpeg-python stream node (the library is untyped)
# Clips are intermediates the composer re-encodes: a fast preset at a lower CRF keeps them clean and
# halves the render time (x264 dominates: veryfast 7.0 s vs superfast 3.4 s per 6 s 1080p clip here).
INTERMEDIATE_PRESET = "superfast"
INTERMEDIATE_CRF_BONUS = 2
CAMERA_ZOOM = 0.08  # how far the camera moves in (and the next frame starts out) over its part of the clip
RAIN_FADE_S = 0.4
RAIN_SCREENS_PER_S = 1.4  # how fast the rain falls, in frame heights per second


@dataclass(frozen=True)
class Timeline:
    """When the dissolve from the first keyframe to the last starts and how long it lasts."""

    duration_s: float
    start_s: float
    length_s: float

    @classmethod
    def of(cls, duration_s: float) -> Timeline:
        length = min(max(0.8, 0.4 * duration_s), 2.5, duration_s * 0.8)
        start = max(0.1, duration_s - length - min(0.6, 0.15 * duration_s))
        return cls(duration_s, start, length)


def _still(image: Path, *, size: tuple[int, int], fps: int, seconds: float, pix_fmt: str) -> Stream:
    """An image decoded once and repeated for `seconds` at `fps` (re-reading it per frame costs more than the move)."""
    return (
        ffmpeg.input(str(image))
        .filter("scale", size[0], size[1])
        .filter("format", pix_fmt)
        .filter("loop", loop=max(0, round(seconds * fps) - 1), size=1)
        .filter("settb", f"1/{fps}")
        .filter("setpts", "N")
    )


def _moving(still: Stream, *, size: tuple[int, int], zoom: str, drift: str) -> Stream:
    """A still under a camera move: scaled by `zoom` (an expression of t, 1 = the frame as drawn) and cropped.

    Bilinear is enough for a slow move, and at zoom 1 the scale is the identity: the first and last
    frames are the keyframes themselves.
    """
    width, height = size
    return (
        still.filter(
            "scale", w=f"ceil({width}*{zoom}/2)*2", h=f"ceil({height}*{zoom}/2)*2", eval="frame", flags="bilinear"
        )
        .filter("crop", width, height, x=f"(iw-{width})*{drift}", y=f"(ih-{height})/2")
        .filter("format", "yuv420p")
        .filter("setsar", 1)
    )


def _falling_rain(sheet: Path, video: Stream, *, fps: int, duration_s: float) -> Stream:
    """Overlay a rain sheet twice the frame's height (two equal halves) scrolling down, so the rain falls."""
    with_alpha = _still(sheet, size=(-1, -1), fps=fps, seconds=duration_s, pix_fmt="yuva420p")
    gone_by = duration_s - 2 / fps  # the last frames show the keyframe itself, without the moving rain
    rain = with_alpha.filter("fade", type="in", start_time=0, duration=RAIN_FADE_S, alpha=1).filter(
        "fade", type="out", start_time=max(0.0, gone_by - RAIN_FADE_S), duration=RAIN_FADE_S, alpha=1
    )
    fall = f"-h/2+mod(t*H*{RAIN_SCREENS_PER_S},h/2)"
    return video.overlay(rain, x=0, y=fall, eof_action="pass")


def clip_args(
    *,
    first: Path,
    last: Path,
    size: tuple[int, int],
    fps: int,
    duration_s: float,
    out: Path,
    preset: str,
    crf: int,
    rain_sheet: Path | None = None,
) -> list[str]:
    """ffmpeg arguments (without the program name) that render one scene from `first` to `last` into `out`."""
    t = Timeline.of(duration_s)
    first_s, last_s = t.start_s + t.length_s, duration_s - t.start_s
    if first == last:  # one picture at both ends (chain mode's drawn scene): read once, split in two
        longest = _still(first, size=size, fps=fps, seconds=max(first_s, last_s), pix_fmt="yuv420p")
        split = longest.filter_multi_output("split", 2)
        start_still = split[0].filter("trim", duration=f"{first_s:.3f}")
        end_still = split[1].filter("trim", duration=f"{last_s:.3f}")
    else:
        start_still = _still(first, size=size, fps=fps, seconds=first_s, pix_fmt="yuv420p")
        end_still = _still(last, size=size, fps=fps, seconds=last_s, pix_fmt="yuv420p")
    landing_s = last_s - 2 / fps  # the camera comes to rest on the keyframe itself for the last frames
    opening = _moving(start_still, size=size, zoom=f"(1+{CAMERA_ZOOM}*t/{first_s:.3f})",
                      drift=f"(0.5+0.4*t/{first_s:.3f})")  # fmt: skip
    closing = _moving(end_still, size=size, zoom=f"(1+{CAMERA_ZOOM}*max(0,1-t/{landing_s:.4f}))",
                      drift=f"(0.5-0.4*max(0,1-t/{landing_s:.4f}))")  # fmt: skip
    video = ffmpeg.filter([opening, closing], "xfade", transition="fade", duration=t.length_s, offset=t.start_s)
    if rain_sheet is not None:
        video = _falling_rain(rain_sheet, video, fps=fps, duration_s=duration_s)
    video = video.filter("format", "yuv420p").filter("setsar", 1)
    output = ffmpeg.output(
        video, str(out), vcodec="libx264", preset=preset, crf=crf, pix_fmt="yuv420p", r=fps, an=None,
        movflags="+faststart", **{"frames:v": round(duration_s * fps)},
    )  # fmt: skip
    args: list[str] = output.get_args()
    return args

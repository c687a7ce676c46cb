"""Composes the final ad: measure the mix's loudness (audio only, ~1 s), then one ffmpeg pass for the rest."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from services.composer.brand import BrandStyle
from services.composer.graph import Encoding, Sources, Stems, compose_args, measure_args
from services.composer.loudness import Loudness, parse_measurement
from services.composer.overlays import overlay_plan
from shared.errors import PermanentError
from shared.ffmpeg import ffmpeg, run_tool
from shared.request import FRAME_SIZES
from shared.script import NarrationTrack, Script

THUMBNAIL_WIDTH = 1280


@dataclass(frozen=True)
class Composition:
    video: Path
    thumbnail: Path
    loudness: Loudness  # of the mix before normalisation
    stems: Stems  # the voice (absent without narration) and the music bed as mixed
    elapsed_s: float  # wall time of the composition


def encoding_for(script: Script, *, fps: int, preset: str, crf: int) -> Encoding:
    return Encoding(size=FRAME_SIZES[(script.resolution, script.aspect_ratio)], fps=fps, preset=preset, crf=crf)


async def measure(
    music: Path,
    narration: Path | None,
    duration_s: float,
    *,
    timeout_s: float,
    duck: tuple[float, float] | None = None,
) -> Loudness:
    printed = await run_tool(
        ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error",
         *measure_args(music, narration, duration_s, duck=duck)],
        timeout_s=timeout_s,
    )  # fmt: skip
    try:
        return parse_measurement(printed.decode())
    except ValueError as exc:
        raise PermanentError("the ad's music and narration are silent, so there is nothing to mix") from exc


def thumbnail_args(video: Path, out: Path, *, at_s: float) -> list[str]:
    return ["-ss", f"{at_s:.3f}", "-i", str(video), "-frames:v", "1", "-vf", f"scale='min({THUMBNAIL_WIDTH},iw)':-2",
            "-q:v", "3", str(out)]  # fmt: skip


async def compose(
    script: Script,
    *,
    clips: list[Path],
    music: Path,
    narration: Path | None,
    target_lufs: float,
    encoding: Encoding,
    workdir: Path,
    timeout_factor: float,
    track: NarrationTrack | None = None,
    brand: BrandStyle | None = None,
) -> Composition:
    """Writes `workdir/ad.mp4`, `workdir/ad.jpg` and the stems; text to draw goes to files (drawtext `textfile=`).

    `track` (the narration's actual timings) places the statement's pages; without it, the script's plan does.
    `brand` (colours, title font, logo) is composited over the footage: the video model never draws it."""
    started = time.perf_counter()
    timeout_s = timeout_factor * script.duration_s + 30
    plan = overlay_plan(script, encoding.size, track.segments if track is not None else None, brand=brand)
    textfiles = []
    for number, text_overlay in enumerate(plan.texts):
        path = workdir / f"overlay-{number:02d}.txt"
        path.write_text(text_overlay.text, encoding="utf-8")
        textfiles.append(path)
    logo = brand.logo if brand is not None else None
    sources = Sources(clips=tuple(clips), music=music, narration=narration, textfiles=tuple(textfiles), logo=logo)
    measured = await measure(music, narration, script.duration_s, timeout_s=timeout_s, duck=plan.statement_span)
    video = workdir / "ad.mp4"
    stems = Stems(voice=workdir / "voice.flac", music=workdir / "music.flac")
    args = compose_args(
        script, sources, plan, encoding, measured=measured, target_lufs=target_lufs, out=video, stems=stems
    )
    await ffmpeg(args, timeout_s=timeout_s)
    thumbnail = workdir / "ad.jpg"
    await ffmpeg(thumbnail_args(video, thumbnail, at_s=script.scenes[0].duration_s / 2), timeout_s=60)
    elapsed_s = time.perf_counter() - started
    return Composition(video=video, thumbnail=thumbnail, loudness=measured, stems=stems, elapsed_s=elapsed_s)

"""Composition benchmark: a 30 s 1080p ad composed in one pass, against a bare encode and a naive multi-pass.

Run: `.venv/bin/python -m bench.compose_bench`. Prints the clip render time and, measured side by side
in this run, (a) a bare single-pass encode of the same clips, (b) a naive three-pass composition and
(c) the composer, with ratios c/a and b/a. The design goal is c/a ≤ 1.2 at the default preset.

Fairness: all three use the same x264 preset/CRF, pixel format and AAC bitrate. (a) concatenates the
clips (concat demuxer, no video filters) and mixes music and narration with a plain `amix`, so it pays
for decoding and encoding both streams and nothing else. (b) encodes the concat, re-encodes it with the
same text/ISI overlays the composer draws, then mixes, ducks and loudness-normalises the audio in its
own pass and muxes by stream copy. (c) is `services.composer.compose.compose` (its measuring pass included).
"""

from __future__ import annotations

import asyncio
import os
import resource
import tempfile
import time
from collections.abc import Awaitable
from pathlib import Path
from typing import TypeVar

import ffmpeg as ffmpeg_python

from services.clips.footage import FootageClipMaker
from services.clips.frames import extract_last_frame
from services.composer.compose import compose, encoding_for
from services.composer.graph import FONT_BOLD, FONT_REGULAR, mixed_audio
from services.composer.overlays import overlay_plan
from shared.config import Settings
from shared.ffmpeg import ffmpeg, run_tool
from shared.providers.base import MemoryCheckpoints, never_cancelled
from shared.script import NarrationSegment, Scene, Script
from shared.statement import pages, text_layout

SETTINGS = ["sunrise", "kitchen", "park", "clinic", "family"]
TITLES = ["Mornings, reclaimed", "Breathe in the day", "Out the door", "Ask about Claritex", "Claritex. Clear days."]
SAFETY = (
    "Claritex (cetirizine) may cause drowsiness, dry mouth and fatigue. Do not take Claritex if you are allergic "
    "to cetirizine or hydroxyzine. Use caution when driving or operating machinery. Avoid alcohol. Talk to your "
    "doctor if you are pregnant or breastfeeding."
)
TIMEOUT_S = 600.0
T = TypeVar("T")


def bench_script() -> Script:
    scenes = [
        Scene(index=i, duration_s=6.0, visual_prompt=f"{setting} scene for an allergy relief ad, calm light",
              setting=setting, on_screen_text=TITLES[i])
        for i, setting in enumerate(SETTINGS)
    ]  # fmt: skip
    # The statement in its pages over 12-24 s, then the end card: what a pharmaceutical ad draws.
    paged = pages(SAFETY, text_layout((1920, 1080)))
    step = 12.0 / len(paged)
    statement = [NarrationSegment(text=page.text, kind="safety", start_s=12.0 + k * step, end_s=12.0 + (k + 0.9) * step)
                 for k, page in enumerate(paged)]  # fmt: skip
    return Script(
        title="Claritex", brand="Claritex", ad_type="pharmaceutical", duration_s=30.0, scenes=scenes,
        narration=[
            NarrationSegment(text="Allergies used to own my mornings. Now I take Claritex.", start_s=0.5, end_s=6.0),
            NarrationSegment(text="Claritex. Clear days ahead.", start_s=7.0, end_s=11.0),
            *statement,
            NarrationSegment(text="Ask your doctor or pharmacist. Call 1-800-555-0199.", kind="provision",
                             start_s=24.3, end_s=29.5),
        ],
        safety_text=SAFETY, end_card=["Ask your doctor or pharmacist", "claritex.example/pi", "1-800-555-0199"],
    )  # fmt: skip


async def make_clips(script: Script, settings: Settings, work: Path) -> list[Path]:
    maker, clips, start = FootageClipMaker(settings), [], None
    for scene in script.scenes:
        out = work / f"scene-{scene.index:02d}.mp4"
        await maker.make_clip(scene, script, start_frame=start, out=out, checkpoints=MemoryCheckpoints(),
                              cancelled=never_cancelled)  # fmt: skip
        start = await extract_last_frame(out, work / f"scene-{scene.index:02d}-last.png")
        clips.append(out)
    return clips


async def make_audio(script: Script, work: Path) -> tuple[Path, Path]:
    music = work / "music.wav"
    chord = "+".join(f"0.08*sin(2*PI*{f}*t)" for f in (220.0, 277.18, 329.63, 110.0))
    await ffmpeg(["-f", "lavfi", "-i", f"aevalsrc={chord}:c=stereo:d=31", str(music)], timeout_s=TIMEOUT_S)
    voice = work / "narration.wav"
    text = " ".join(segment.text for segment in script.narration)
    await run_tool(["espeak-ng", "-s", "190", "-w", str(voice), text], timeout_s=TIMEOUT_S)
    return music, voice


def concat_list(clips: list[Path], work: Path) -> Path:
    listing = work / "clips.txt"
    listing.write_text("".join(f"file '{clip}'\n" for clip in clips))
    return listing


def video_codec(settings: Settings) -> list[str]:
    return ["-c:v", "libx264", "-preset", settings.video_preset, "-crf", str(settings.video_crf), "-pix_fmt", "yuv420p"]


async def bare_encode(clips: list[Path], music: Path, voice: Path, settings: Settings, work: Path) -> None:
    await ffmpeg([
        "-f", "concat", "-safe", "0", "-i", str(concat_list(clips, work)), "-i", str(music), "-i", str(voice),
        "-filter_complex", "[1:a][2:a]amix=inputs=2:duration=first[a]", "-map", "0:v", "-map", "[a]",
        *video_codec(settings), "-c:a", "aac", "-b:a", "160k", "-t", "30", str(work / "bare.mp4"),
    ], timeout_s=TIMEOUT_S)  # fmt: skip


async def naive_composition(
    script: Script, clips: list[Path], music: Path, voice: Path, settings: Settings, work: Path
) -> None:
    joined, overlaid, audio = work / "naive-1.mp4", work / "naive-2.mp4", work / "naive-3.m4a"
    await ffmpeg(["-f", "concat", "-safe", "0", "-i", str(concat_list(clips, work)), *video_codec(settings),
                  "-an", str(joined)], timeout_s=TIMEOUT_S)  # fmt: skip
    size = encoding_for(script, fps=settings.fps, preset=settings.video_preset, crf=settings.video_crf).size
    plan = overlay_plan(script, size)
    video = ffmpeg_python.input(str(joined)).video
    for band in plan.bands:
        video = video.filter("drawbox", x=band.x, y=band.y, w=band.width or "iw", h=band.height,
                             color=f"black@{band.opacity:.2f}", t="fill",
                             enable=f"between(t,{band.start_s},{band.end_s})")  # fmt: skip
    for number, text in enumerate(plan.texts):
        textfile = work / f"naive-text-{number}.txt"
        textfile.write_text(text.text)
        video = video.filter("drawtext", fontfile=FONT_BOLD if text.bold else FONT_REGULAR, textfile=str(textfile),
                             expansion="none", fontsize=text.font_size, fontcolor="white", x=text.x, y=text.y,
                             enable=f"between(t,{text.start_s},{text.end_s})")  # fmt: skip
    overlay_pass = ffmpeg_python.output(
        video, str(overlaid), vcodec="libx264", preset=settings.video_preset, crf=settings.video_crf, pix_fmt="yuv420p"
    )
    await ffmpeg(overlay_pass.get_args(), timeout_s=TIMEOUT_S)
    mix = mixed_audio(music, voice, script.duration_s).filter("loudnorm", I=-24, TP=-1, LRA=11)
    await ffmpeg(ffmpeg_python.output(mix, str(audio), acodec="aac", audio_bitrate="160k", ar=48000).get_args(),
                 timeout_s=TIMEOUT_S)  # fmt: skip
    await ffmpeg(["-i", str(overlaid), "-i", str(audio), "-map", "0:v", "-map", "1:a", "-c", "copy",
                  "-movflags", "+faststart", str(work / "naive.mp4")], timeout_s=TIMEOUT_S)  # fmt: skip


def _children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


async def timed(label: str, work: Awaitable[T]) -> tuple[T, float, float]:
    """The result, wall seconds, and CPU seconds of the ffmpeg processes it ran (CPU survives a busy host)."""
    started, cpu_started = time.perf_counter(), _children_cpu_s()
    result = await work
    elapsed, cpu = time.perf_counter() - started, _children_cpu_s() - cpu_started
    print(f"{label:<46} wall {elapsed:6.1f} s   cpu {cpu:6.1f} s", flush=True)
    return result, elapsed, cpu


async def main() -> None:
    settings = Settings()
    script = bench_script()
    with tempfile.TemporaryDirectory(prefix="compose-bench-") as tmp:
        work = Path(tmp)
        print(f"preset {settings.video_preset}, CRF {settings.video_crf}, {len(script.scenes)} scenes, 1920x1080@30")
        print(f"load average before the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        clips, _, _ = await timed("clips for a 30 s 1080p ad", make_clips(script, settings, work))
        music, voice = await make_audio(script, work)
        _, *bare = await timed("(a) bare single-pass encode", bare_encode(clips, music, voice, settings, work))
        _, *naive = await timed("(b) naive multi-pass composition", naive_composition(script, clips, music, voice,
                                                                                  settings, work))  # fmt: skip
        composer_dir = work / "composer"
        composer_dir.mkdir()
        _, *composed = await timed("(c) composer (measure + one pass + thumbnail)", compose(
            script, clips=clips, music=music, narration=voice, target_lufs=-24.0,
            encoding=encoding_for(script, fps=settings.fps, preset=settings.video_preset, crf=settings.video_crf),
            workdir=composer_dir, timeout_factor=settings.ffmpeg_timeout_factor,
        ))  # fmt: skip
        print(f"wall: c/a = {composed[0] / bare[0]:.2f}   b/a = {naive[0] / bare[0]:.2f}   (goal c/a <= 1.2)")
        print(f"cpu:  c/a = {composed[1] / bare[1]:.2f}   b/a = {naive[1] / bare[1]:.2f}")
        print(f"load average after the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    asyncio.run(main())

"""The composition as data: one ffmpeg command for the final video, one for the loudness measure.

Video: clips normalised to the frame, the duplicated first frame of each following clip dropped (its
start image is the previous clip's last frame, so the cut is seamless), the last frame held to make up
the dropped frames, titles and the safety lower third drawn on top. Audio: music ducked under the
narration (sidechain), mixed, normalised linearly with the measured loudness, cut to the ad's length.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ffmpeg

from services.composer.logo_placement import LogoPlacement
from services.composer.loudness import Loudness, loudnorm_options, measure_filter_args
from services.composer.overlays import OverlayPlan, TextOverlay
from shared.script import Script

Stream = Any  # an ffmpeg-python stream node (the library is untyped)
FONT_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
FONT_REGULAR = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
SAMPLE_RATE = 48000
MUSIC_GAIN_DB = -4.0
# While the major statement plays the music drops this far (and the sidechain ducks it further under the words):
# far more than the 20 dB under the voice the rule asks, whatever the two tracks' own levels.
STATEMENT_DUCK_DB = -40.0
DUCK_RAMP_S = 0.5
TEXT_FADE_S = 0.3


@dataclass(frozen=True)
class Sources:
    clips: tuple[Path, ...]
    music: Path
    narration: Path | None  # None when the narration stage was skipped: music only
    textfiles: tuple[Path, ...]  # one per OverlayPlan text, in the same order
    logo: Path | None = None  # the brand logo as a PNG, composited where the plan's `logos` say


@dataclass(frozen=True)
class Encoding:
    size: tuple[int, int]
    fps: int
    preset: str
    crf: int
    audio_bitrate: str = "160k"


def _stereo(stream: Stream, duration_s: float) -> Stream:
    # ffmpeg 5.1 fails channel-layout negotiation after aresample without an explicit aformat.
    return (
        stream.filter("aresample", SAMPLE_RATE)
        .filter("aformat", sample_fmts="fltp", sample_rates=SAMPLE_RATE, channel_layouts="stereo")
        .filter("apad", whole_dur=duration_s)
        .filter("atrim", duration=duration_s)
    )


@dataclass(frozen=True)
class Stems:
    """Where the composition also writes the voice and the music bed exactly as it mixes them (FLAC, before the
    one loudness gain): the compliance checker measures voice-over-music margins on these."""

    voice: Path
    music: Path


def statement_duck(span: tuple[float, float]) -> str:
    """A volume expression: STATEMENT_DUCK_DB over `span`, ramped in before its first word and out after."""
    down, up = span[0] - DUCK_RAMP_S - 0.1, span[1] + DUCK_RAMP_S + 0.2
    ramp = f"clip(min((t-{down:.3f})/{DUCK_RAMP_S},({up:.3f}-t)/{DUCK_RAMP_S}),0,1)"
    return f"pow(10,{STATEMENT_DUCK_DB}*{ramp}/20)"


def mixed_audio(
    music: Path, narration: Path | None, duration_s: float, *, duck: tuple[float, float] | None = None
) -> Stream:
    """Music under narration: the music is compressed while the voice speaks (keyed by the voice)."""
    mix, _ = mixed_audio_and_stems(music, narration, duration_s, stems=None, duck=duck)
    return mix


def mixed_audio_and_stems(
    music: Path,
    narration: Path | None,
    duration_s: float,
    *,
    stems: Stems | None,
    duck: tuple[float, float] | None = None,
) -> tuple[Stream, list[Stream]]:
    """The mix, and the stem outputs (FLAC) when asked for: the ducked bed and the voice as they enter the mix.

    `duck` is the major statement's span: the music all but stops under it."""
    bed = _stereo(ffmpeg.input(str(music)).audio, duration_s).filter("volume", f"{MUSIC_GAIN_DB}dB")
    if duck is not None:
        bed = bed.filter("volume", volume=statement_duck(duck), eval="frame")
    if narration is None:
        if stems is None:
            return bed, []
        split = bed.filter_multi_output("asplit", 2)
        return split[0], [ffmpeg.output(split[1], str(stems.music), acodec="flac")]
    voice = _stereo(ffmpeg.input(str(narration)).audio, duration_s).filter_multi_output("asplit", 3 if stems else 2)
    ducked = ffmpeg.filter(
        [bed, voice[0]], "sidechaincompress", threshold=0.02, ratio=8, attack=20, release=400, makeup=1
    )
    if stems is None:
        return ffmpeg.filter([ducked, voice[1]], "amix", inputs=2, duration="first", normalize=0), []
    bed_split = ducked.filter_multi_output("asplit", 2)
    mix = ffmpeg.filter([bed_split[0], voice[1]], "amix", inputs=2, duration="first", normalize=0)
    outputs = [ffmpeg.output(bed_split[1], str(stems.music), acodec="flac"),
               ffmpeg.output(voice[2], str(stems.voice), acodec="flac")]  # fmt: skip
    return mix, outputs


def measure_args(
    music: Path, narration: Path | None, duration_s: float, *, duck: tuple[float, float] | None = None
) -> list[str]:
    """The audio-only measuring pass: prints EBU R128 metadata to stdout, writes no file."""
    audio = mixed_audio(music, narration, duration_s, duck=duck)
    for name, options in measure_filter_args():
        audio = audio.filter(name, **options)
    args: list[str] = ffmpeg.output(audio, "-", f="null").get_args()
    return args


def ffmpeg_colour(colour: str) -> str:
    """ "#RRGGBB" (optionally "@alpha") in the 0xRRGGBB form every ffmpeg filter option parses; names unchanged."""
    return "0x" + colour[1:] if colour.startswith("#") else colour


def _drawtext(video: Stream, text_overlay: TextOverlay, textfile: Path) -> Stream:
    start, end = text_overlay.start_s, text_overlay.end_s
    colour = ffmpeg_colour(text_overlay.colour)
    if text_overlay.plain:  # the statement and the end card: on and off with their words, on the plate
        return video.filter(
            "drawtext", fontfile=FONT_REGULAR, textfile=str(textfile), expansion="none",
            fontsize=text_overlay.font_size, fontcolor=colour, x=text_overlay.x, y=text_overlay.y,
            enable=f"between(t,{start:.3f},{end:.3f})",
        )  # fmt: skip
    fade_in, fade_out = f"(t-{start:.3f})/{TEXT_FADE_S}", f"({end:.3f}-t)/{TEXT_FADE_S}"
    fade = f"if(lt(t,{start + TEXT_FADE_S:.3f}),{fade_in},if(gt(t,{end - TEXT_FADE_S:.3f}),{fade_out},1))"
    default_font = FONT_BOLD if text_overlay.bold else FONT_REGULAR
    options: dict[str, object] = {
        "fontfile": str(text_overlay.font) if text_overlay.font is not None else default_font,
        "textfile": str(textfile),
        "expansion": "none",
        "fontsize": text_overlay.font_size,
        "fontcolor": colour,
        "line_spacing": round(text_overlay.font_size * 0.25),
        "x": text_overlay.x,
        "y": text_overlay.y,
        "alpha": fade,
        "enable": f"between(t,{start:.3f},{end:.3f})",
    }
    if text_overlay.colour == "white":  # a soft shadow lifts light text off busy footage; dark text goes without
        options |= {"shadowcolor": "black@0.6", "shadowx": 2, "shadowy": 2}
    if text_overlay.box:
        boxcolor = ffmpeg_colour(text_overlay.box_colour)
        options |= {"box": 1, "boxcolor": boxcolor, "boxborderw": round(text_overlay.font_size * 0.4)}
    return video.filter("drawtext", **options)


def _logos(video: Stream, logo: Path, placements: tuple[LogoPlacement, ...]) -> Stream:
    """The logo fitted into each placement's box (aspect kept, centred), faded in place by its opacity.

    A single-frame input: the overlay repeats its one frame for the whole video."""
    copies = ffmpeg.input(str(logo)).video.filter_multi_output("split", len(placements))
    for k, place in enumerate(placements):
        fitted = (
            copies[k].filter("scale", w=place.width, h=place.height, force_original_aspect_ratio="decrease")
            .filter("format", "rgba")
            .filter("colorchannelmixer", aa=place.opacity)
        )  # fmt: skip
        video = ffmpeg.overlay(
            video, fitted, x=f"{place.x}+({place.width}-w)/2", y=f"{place.y}+({place.height}-h)/2",
            eof_action="repeat", enable=f"between(t,{place.start_s:.3f},{place.end_s:.3f})",
        )  # fmt: skip
    return video


def composed_video(script: Script, sources: Sources, plan: OverlayPlan, encoding: Encoding) -> Stream:
    width, height = encoding.size
    fps = encoding.fps
    parts = []
    for index, (clip, scene) in enumerate(zip(sources.clips, script.scenes, strict=True)):
        part = (
            ffmpeg.input(str(clip)).video.filter("fps", fps)
            .filter("scale", width, height, force_original_aspect_ratio="increase")
            .filter("crop", width, height)
            .filter("setsar", 1)
            .filter("trim", start_frame=1 if index else 0, end_frame=round(scene.duration_s * fps))
            .filter("setpts", "PTS-STARTPTS")
        )  # fmt: skip
        parts.append(part)
    total_frames = round(script.duration_s * fps)
    video = (
        ffmpeg.concat(*parts, v=1, a=0)
        # Hold the last frame for the dropped frames (and for any clip a provider delivered short).
        .filter("tpad", stop_mode="clone", stop_duration=f"{script.duration_s:.3f}")
        .filter("trim", end_frame=total_frames)
    )
    for band in plan.bands:
        video = video.filter(
            "drawbox", x=band.x, y=band.y, w=band.width if band.width is not None else "iw", h=band.height,
            color=f"{ffmpeg_colour(band.colour)}@{band.opacity:.2f}", t="fill",
            enable=f"between(t,{band.start_s:.3f},{band.end_s:.3f})",
        )  # fmt: skip
    if sources.logo is not None and plan.logos:
        video = _logos(video, sources.logo, plan.logos)
    for text_overlay, textfile in zip(plan.texts, sources.textfiles, strict=True):
        video = _drawtext(video, text_overlay, textfile)
    return video.filter("format", "yuv420p")


def compose_args(
    script: Script,
    sources: Sources,
    plan: OverlayPlan,
    encoding: Encoding,
    *,
    measured: Loudness,
    target_lufs: float,
    out: Path,
    stems: Stems | None = None,
) -> list[str]:
    """The whole composition in one ffmpeg run (arguments without the program name); stems in the same run."""
    video = composed_video(script, sources, plan, encoding)
    mix, stem_outputs = mixed_audio_and_stems(
        sources.music, sources.narration, script.duration_s, stems=stems, duck=plan.statement_span
    )
    audio = (
        mix.filter("loudnorm", **loudnorm_options(measured, target_lufs=target_lufs))
        .filter("aresample", SAMPLE_RATE)
        .filter("aformat", sample_fmts="fltp", sample_rates=SAMPLE_RATE, channel_layouts="stereo")
        .filter("atrim", duration=script.duration_s)
    )
    output = ffmpeg.output(
        video, audio, str(out),
        vcodec="libx264", preset=encoding.preset, crf=encoding.crf, pix_fmt="yuv420p", r=encoding.fps,
        acodec="aac", audio_bitrate=encoding.audio_bitrate, ar=SAMPLE_RATE,
        movflags="+faststart", t=f"{script.duration_s:.3f}",
    )  # fmt: skip
    args: list[str] = ffmpeg.merge_outputs(output, *stem_outputs).get_args() if stem_outputs else output.get_args()
    return args

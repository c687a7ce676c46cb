"""Short synthetic ads rendered with ffmpeg and espeak-ng, good or deliberately faulty, for the checker's tests.

Each ad has a benefit line, a two-sentence major statement paged one sentence at a time on a plate,
and an end card with the adequate-provision elements; its voice and music stems and narration timings
are written beside it, as the composer writes them.
"""

from __future__ import annotations

import subprocess
import textwrap
from dataclasses import dataclass, replace
from pathlib import Path

from services.composer.captions import to_webvtt
from services.composer.compliance.checker import AdUnderTest
from services.narration.espeak import trim_silence
from shared.script import NarrationTrack, SegmentTiming

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
SIZE = (1280, 720)
FPS = 30
BENEFIT = "Claritex helps you breathe easy, every single morning."
SENTENCES = ("Claritex may cause drowsiness and dry mouth.", "Do not drive until you know how it affects you.")
STATEMENT = " ".join(SENTENCES)
PHONE, WEBSITE = "1-800-555-0199", "https://claritex.example.com/pi"
PROVISION = "For full prescribing information call 1-800-555-0199 or visit claritex.example.com. Ask your doctor."
END_CARD = ("Call 1-800-555-0199", "claritex.example.com", "Ask your doctor or pharmacist")


@dataclass(frozen=True)
class Faults:
    statement_wpm: int = 115  # espeak's setting; the rest is read at REST_WPM (espeak reads short sentences
    # faster than its setting: 115 measures ~140 wpm on these, under the rest's pace)
    text_height: float = 0.060  # statement font size as a share of the frame height
    music_under_voice_db: float = 34.0  # music level under the voice during the statement
    cut_statement: bool = False  # the on-screen statement loses its second sentence's end for "…"


GOOD = Faults()
REST_WPM = 175


def _speak(text: str, wpm: int, out: Path) -> float:
    subprocess.run(["espeak-ng", "-s", str(wpm), "-w", str(out), text], check=True)
    return trim_silence(out)


def _page_text(text: str, chars: int) -> str:
    return "\n".join(textwrap.wrap(text, chars))


def render(work: Path, faults: Faults = GOOD, *, target_lufs: float = -24.0) -> AdUnderTest:
    work.mkdir(parents=True, exist_ok=True)
    width, height = SIZE
    pieces = [("narration", BENEFIT, REST_WPM), *(("safety", s, faults.statement_wpm) for s in SENTENCES),
              ("narration", PROVISION, REST_WPM)]  # fmt: skip
    timings, start = [], 0.5
    for n, (kind, text, wpm) in enumerate(pieces):
        spoken_s = _speak(text, wpm, work / f"voice-{n}.wav")
        timings.append(SegmentTiming(text=text, kind=kind, start_s=round(start, 3), end_s=round(start + spoken_s, 3),
                                     speed=round(wpm / REST_WPM, 2) if kind == "safety" else 1.0))  # fmt: skip
        start += spoken_s + 1.0
    duration = round(start + 3.0, 1)
    track = NarrationTrack(duration_s=duration, segments=timings)
    voice = work / "voice-stem.wav"
    inputs = [a for n in range(len(pieces)) for a in ("-i", str(work / f"voice-{n}.wav"))]
    delays = ";".join(
        f"[{n}:a]aresample=48000,adelay={round(t.start_s * 1000)}:all=1[d{n}]" for n, t in enumerate(timings)
    )
    mix = "".join(f"[d{n}]" for n in range(len(pieces)))
    subprocess.run(["ffmpeg", "-v", "error", "-y", *inputs, "-filter_complex",
                    f"{delays};{mix}amix=inputs={len(pieces)}:normalize=0,apad=whole_dur={duration},"
                    f"atrim=end={duration},aformat=channel_layouts=stereo", str(voice)], check=True)  # fmt: skip
    stmt_start, stmt_end = timings[1].start_s, timings[2].end_s
    under = (
        f"volume=enable='between(t,{stmt_start - 0.5},{stmt_end + 0.5})':volume={-faults.music_under_voice_db + 12}dB"
    )
    music = work / "music-stem.wav"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i",
                    f"aevalsrc=0.05*sin(2*PI*220*t)+0.04*sin(2*PI*277*t):c=stereo:s=48000:d={duration}",
                    "-af", under, str(music)], check=True)  # fmt: skip
    font = round(height * faults.text_height)
    chars = int(width * 0.8 / (0.55 * font))
    draws = [f"drawtext=fontfile={FONT}:text='Breathe easy':fontsize={round(height * 0.05)}:fontcolor=white"
             f":x=(w-text_w)/2:y=h*0.2:enable='between(t,{timings[0].start_s},{timings[0].end_s + 0.5})'"]  # fmt: skip
    for n, sentence in enumerate(SENTENCES):
        t = timings[1 + n]
        shown = sentence[: len(sentence) // 2] + "…" if faults.cut_statement and n == 1 else sentence
        page = work / f"page-{n}.txt"
        page.write_text(_page_text(shown, chars))
        end = min(t.end_s + 0.8, timings[2 + n].start_s - 0.05)
        draws.append(f"drawbox=x=iw*0.08:y=ih*0.52:w=iw*0.84:h=ih*0.38:color=black@0.9:t=fill"
                     f":enable='between(t,{t.start_s},{end})'")  # fmt: skip
        draws.append(f"drawtext=fontfile={FONT}:textfile={page}:fontsize={font}:fontcolor=white:line_spacing="
                     f"{font // 4}:x=w*0.1:y=h*0.56:enable='between(t,{t.start_s},{end})'")  # fmt: skip
    card_start = timings[3].start_s
    for n, line in enumerate(END_CARD):
        draws.append(f"drawtext=fontfile={FONT}:text='{line}':fontsize={round(height * 0.06)}:fontcolor=white"
                     f":x=(w-text_w)/2:y=h*(0.3+0.13*{n}):enable='gte(t,{card_start})'")  # fmt: skip
    video = work / "ad.mp4"
    background = f"color=c=0x2a4d69:s={width}x{height}:r={FPS}:d={duration}"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", background,
                    "-i", str(voice), "-i", str(music), "-filter_complex",
                    f"[0:v]{','.join(draws)},format=yuv420p[v];[1:a][2:a]amix=inputs=2:normalize=0,"
                    f"loudnorm=I={target_lufs}:TP=-3:LRA=11[a]",
                    "-map", "[v]", "-map", "[a]", "-c:v", "libx264", "-preset", "veryfast", "-crf", "20",
                    "-c:a", "aac", "-ar", "48000", "-t", str(duration), str(video)], check=True)  # fmt: skip
    return AdUnderTest(
        video=video, size=SIZE, fps=FPS, duration_s=duration, ad_type="pharmaceutical", target_lufs=target_lufs,
        timings=track, captions_vtt=to_webvtt(track), voice_stem=voice, music_stem=music, statement=STATEMENT,
        voice="alloy", brand="Claritex", phone=PHONE, website=WEBSITE,
    )  # fmt: skip


def as_general(ad: AdUnderTest) -> AdUnderTest:
    return replace(ad, ad_type="general", statement="", phone=None, website=None)

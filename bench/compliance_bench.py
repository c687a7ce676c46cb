"""Compliance checker benchmark: its run time on a 30 s and a 60 s 1080p pharmaceutical ad, and its share
of the composition time, measured side by side in this run.

Run: `.venv/bin/python -m bench.compliance_bench [SECONDS ...]` (default 30 and 60). For each length the
local planner writes the script from a demo-like request, local footage and espeak-ng narration are made,
the composer composes the ad (its measuring pass, one ffmpeg pass with the stems, the thumbnail), then the
checker runs on it exactly as the composer stage runs it. The narration is a stand-in (segments spoken at
the script's speeds, without the narration stage's pace correction), so the verdict printed is indicative.
Printed: wall and CPU seconds of both, and checker/composition. Goal: < 0.15.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

from bench.compose_bench import TIMEOUT_S, make_clips, timed
from services.composer.captions import to_webvtt
from services.composer.checking import ad_under_test
from services.composer.compliance.checker import check
from services.composer.compose import compose, encoding_for
from services.narration.espeak import EspeakNarrator
from shared.config import Settings
from shared.ffmpeg import ffmpeg
from shared.providers.base import MemoryCheckpoints, never_cancelled
from shared.request import AdRequest
from shared.script import NarrationTrack, Script, SegmentTiming
from shared.scripting.planner import plan

SHORT_STATEMENT = "Claritex may cause drowsiness and dry mouth. Ask your doctor if Claritex is right for you."
BUSY_HOST_TIMEOUT_FACTOR = 30.0  # a shared 2-core host can be 5x slower than the service's own budget
LONG_STATEMENT = (
    "Claritex may cause drowsiness, headache, dry mouth and sore throat. Do not take Claritex if you are allergic "
    "to any of its ingredients. Ask your doctor if Claritex is right for you."
)


def request_for(duration_s: int) -> AdRequest:
    return AdRequest(
        brief="Spot for Claritex, a once-daily allergy tablet: a calm spring morning, windows open, breathing easy.",
        ad_type="pharmaceutical", brand="Claritex", side_effects=SHORT_STATEMENT if duration_s < 40 else LONG_STATEMENT,
        prescribing_info_url="https://www.claritex.example/prescribing-information", phone="1-800-555-0199",
        duration_s=duration_s, aspect_ratio="16:9", resolution="1080p", loudness_lufs=-24,
    )  # fmt: skip


async def narrate(script: Script, settings: Settings, work: Path) -> tuple[Path, NarrationTrack]:
    """Each segment spoken at its speed and laid at its window's start (after the previous one)."""
    narrator, timings, inputs, chains, previous_end = EspeakNarrator(settings), [], [], [], 0.0
    for k, segment in enumerate(sorted(script.narration, key=lambda s: s.start_s)):
        out = work / f"voice-{k:02d}.wav"
        spoken = await narrator.speak(segment.text, speed=segment.speed, voice="alloy", out=out,
                                      checkpoints=MemoryCheckpoints(), cancelled=never_cancelled)  # fmt: skip
        start = max(segment.start_s, previous_end + 0.15)
        previous_end = min(start + spoken.duration_s, script.duration_s)
        timings.append(SegmentTiming(text=segment.text, kind=segment.kind, start_s=round(start, 3),
                                     end_s=round(previous_end, 3), speed=segment.speed, voice="alloy"))  # fmt: skip
        inputs += ["-i", str(out)]
        chains.append(f"[{k}:a]aresample=44100,adelay={round(start * 1000)}:all=1[s{k}]")
    labels = "".join(f"[s{k}]" for k in range(len(chains)))
    voice = work / "narration.mp3"
    await ffmpeg([*inputs, "-filter_complex", ";".join(chains) + f";{labels}amix=inputs={len(chains)}:normalize=0,"
                  f"apad=whole_dur={script.duration_s},atrim=end={script.duration_s}", "-ac", "1", str(voice)],
                 timeout_s=TIMEOUT_S)  # fmt: skip
    return voice, NarrationTrack(duration_s=script.duration_s, segments=timings)


async def one_length(duration_s: int, settings: Settings, work: Path) -> None:
    request = request_for(duration_s)
    script = plan(request)
    clips = await make_clips(script, settings, work)
    voice, track = await narrate(script, settings, work)
    music = work / "music.wav"
    chord = "+".join(f"0.08*sin(2*PI*{f}*t)" for f in (220.0, 277.18, 329.63, 110.0))
    await ffmpeg(
        ["-f", "lavfi", "-i", f"aevalsrc={chord}:c=stereo:d={duration_s + 1}", str(music)], timeout_s=TIMEOUT_S
    )
    encoding = encoding_for(script, fps=settings.fps, preset=settings.video_preset, crf=settings.video_crf)
    composed, compose_wall, compose_cpu = await timed(f"{duration_s} s ad: composer", compose(
        script, clips=clips, music=music, narration=voice, target_lufs=request.loudness_lufs, encoding=encoding,
        workdir=work, timeout_factor=BUSY_HOST_TIMEOUT_FACTOR, track=track,
    ))  # fmt: skip
    ad = ad_under_test(request, script, composed, size=encoding.size, fps=encoding.fps, track=track,
                       captions_vtt=to_webvtt(track))  # fmt: skip
    report, check_wall, check_cpu = await timed(f"{duration_s} s ad: compliance checker",
                                                check(ad, work / "compliance", timeout_s=TIMEOUT_S))  # fmt: skip
    print(f"{duration_s} s ad: checker/composition wall {check_wall / compose_wall:.3f}, "
          f"cpu {check_cpu / compose_cpu:.3f}   (goal < 0.15); report passed={report.passed} "
          f"failing={','.join(report.failing) or '-'}", flush=True)  # fmt: skip
    for rule in report.rules:
        print(f"  {rule.id:<16} {rule.status:<5} {rule.measured}", flush=True)


async def main() -> None:
    settings = Settings()
    print(f"preset {settings.video_preset}, CRF {settings.video_crf}, 1920x1080@{settings.fps}")
    print(f"load average before the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    for duration_s in [int(arg) for arg in sys.argv[1:]] or [30, 60]:
        with tempfile.TemporaryDirectory(prefix=f"compliance-bench-{duration_s}-") as tmp:
            await one_length(duration_s, settings, Path(tmp))
    print(f"load average after the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    asyncio.run(main())

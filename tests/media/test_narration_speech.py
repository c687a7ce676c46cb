"""Real espeak-ng and ffmpeg: a faster disclosure, and a track of the ad's length with speech in its windows."""

from __future__ import annotations

import array
import math
import wave
from pathlib import Path

import pytest

from services.narration.espeak import EspeakNarrator
from services.narration.handler import build_handler
from shared.config import Settings
from shared.events import make_event
from shared.ffmpeg import ffmpeg, probe
from shared.providers.base import MemoryCheckpoints, never_cancelled
from shared.request import AdRequest
from shared.script import NarrationSegment, NarrationTrack, Scene, Script
from tests.fakes.audio_stage_context import JOB_ID, USER_ID, context_for

TEXT = "Common side effects include drowsiness, dry mouth, headache and nausea. Do not take with alcohol."
REQUEST = AdRequest(brief="A calm 10-second spot for Claritex allergy relief", duration_s=10)
EVENT = make_event("script.completed", job_id=JOB_ID, user_id=USER_ID, payload={
    "script_key": "k", "duration_s": 10, "scene_count": 2, "needs_narration": True,
})  # fmt: skip
SCRIPT = Script(
    title="Claritex",
    duration_s=10,
    scenes=[Scene(index=0, duration_s=5, visual_prompt="a sunny window"),
            Scene(index=1, duration_s=5, visual_prompt="a blooming park")],
    narration=[
        NarrationSegment(text="Meet Claritex, for clear mornings.", start_s=0.5, end_s=4.5),
        NarrationSegment(text="May cause drowsiness and dry mouth.", start_s=6.0, end_s=9.8, kind="safety", speed=1.45),
    ],
)  # fmt: skip


def rms_db(path: Path, start_s: float, end_s: float) -> float:
    with wave.open(str(path), "rb") as wav:
        rate = wav.getframerate()
        wav.setpos(round(start_s * rate))
        samples = array.array("h", wav.readframes(round((end_s - start_s) * rate)))
    power = sum(v * v for v in samples) / max(1, len(samples))
    return 10 * math.log10(power / 32768**2) if power else -120.0


async def test_the_safety_reading_is_at_least_30_percent_more_words_per_second(tmp_path: Path) -> None:
    narrator = EspeakNarrator(Settings())

    calm = await narrator.speak(
        TEXT,
        speed=1.0,
        voice="alloy",
        out=tmp_path / "calm.wav",
        checkpoints=MemoryCheckpoints(),
        cancelled=never_cancelled,
    )
    fast = await narrator.speak(
        TEXT,
        speed=1.45,
        voice="alloy",
        out=tmp_path / "fast.wav",
        checkpoints=MemoryCheckpoints(),
        cancelled=never_cancelled,
    )

    assert calm.duration_s / fast.duration_s >= 1.3


async def test_the_spoken_duration_is_the_trimmed_file_length(tmp_path: Path) -> None:
    out = tmp_path / "line.wav"

    spoken = await EspeakNarrator(Settings()).speak(
        "Ask your doctor.",
        speed=1.0,
        voice="alloy",
        out=out,
        checkpoints=MemoryCheckpoints(),
        cancelled=never_cancelled,
    )

    with wave.open(str(out), "rb") as wav:
        assert spoken.duration_s == pytest.approx(wav.getnframes() / wav.getframerate())
    assert rms_db(out, spoken.duration_s - 0.05, spoken.duration_s) > -60  # no padded silence left at the end


async def test_the_narration_track_has_the_ads_length_and_speech_only_in_its_windows(tmp_path: Path) -> None:
    ctx = context_for(REQUEST, tmp_path, script=SCRIPT)

    await build_handler(Settings(), EspeakNarrator(Settings()))(EVENT, ctx)

    objects = ctx.storage.objects  # type: ignore[attr-defined]
    mp3 = tmp_path / "check.mp3"
    mp3.write_bytes(objects[f"users/{USER_ID}/jobs/{JOB_ID}/audio/narration.mp3"])
    track = NarrationTrack.model_validate_json(objects[f"users/{USER_ID}/jobs/{JOB_ID}/audio/narration-timings.json"])
    info = await probe(mp3)
    assert float(info["format"]["duration"]) == pytest.approx(10, abs=0.2)
    pcm = tmp_path / "check.wav"
    await ffmpeg(["-i", str(mp3), "-ac", "1", "-ar", "8000", str(pcm)], timeout_s=30)
    for segment in track.segments:
        assert rms_db(pcm, segment.start_s + 0.1, segment.end_s - 0.1) > -35
    gap_start, gap_end = track.segments[0].end_s + 0.1, track.segments[1].start_s - 0.1
    assert rms_db(pcm, gap_start, gap_end) < -60


PHARMA_REQUEST = AdRequest(
    brief="A calm spot for Claritex allergy relief", ad_type="pharmaceutical", brand="Claritex", duration_s=40,
    side_effects="Claritex may cause drowsiness, headache, dry mouth and sore throat. Do not take Claritex if you "
    "are allergic to any of its ingredients. Ask your doctor if Claritex is right for you.",
    prescribing_info_url="https://claritex.example/pi", phone="1-800-555-0199",
)  # fmt: skip


def _wpm(track: NarrationTrack, kinds: set[str]) -> float:
    chosen = [s for s in track.segments if s.kind in kinds]
    return sum(len(s.text.split()) for s in chosen) * 60 / sum(s.end_s - s.start_s for s in chosen)


@pytest.mark.parametrize("pace", ["calm", "fast"])
async def test_espeak_reads_the_planned_ad_calmly_and_the_statement_no_faster_unless_opted_in(
    tmp_path: Path, pace: str
) -> None:
    from shared.scripting.planner import plan

    request = PHARMA_REQUEST.model_copy(update={"safety_pace": pace})
    ctx = context_for(request, tmp_path, script=plan(request))

    await build_handler(Settings(), EspeakNarrator(Settings()))(EVENT, ctx)

    track = NarrationTrack.model_validate_json(
        ctx.storage.objects[f"users/{USER_ID}/jobs/{JOB_ID}/audio/narration-timings.json"]
    )  # type: ignore[attr-defined]
    statement, rest = _wpm(track, {"safety"}), _wpm(track, {"narration"})
    print(f"\nespeak pace={pace}: statement {statement:.0f} wpm, rest {rest:.0f} wpm")
    if pace == "calm":
        assert 140 <= rest <= 160
        assert 140 <= statement <= 160
        assert statement <= rest
    else:
        assert statement > 1.3 * rest  # the opt-in is measurably faster: the report's MS-PACE fails it

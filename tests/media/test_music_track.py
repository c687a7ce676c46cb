"""Real synthesis and ffmpeg: the music track is the ad's length, stereo, audible and moves between chords."""

from __future__ import annotations

import array
import asyncio
import math
from pathlib import Path

import pytest

from services.music.handler import build_handler
from services.music.synth import SynthMusicMaker
from shared.config import Settings
from shared.events import make_event
from shared.ffmpeg import ffmpeg, probe
from shared.request import AdRequest
from shared.script import Scene, Script
from tests.fakes.audio_stage_context import JOB_ID, USER_ID, context_for

DURATION_S = 12
REQUEST = AdRequest(brief="An uplifting 12-second spot for Brewly coffee", duration_s=DURATION_S)
EVENT = make_event("script.completed", job_id=JOB_ID, user_id=USER_ID, payload={
    "script_key": "k", "duration_s": DURATION_S, "scene_count": 1, "needs_narration": False,
})  # fmt: skip
SCRIPT = Script(title="Brewly", duration_s=DURATION_S, needs_narration=False, music_mood="uplifting",
                scenes=[Scene(index=0, duration_s=DURATION_S, visual_prompt="a cup of coffee")])  # fmt: skip
RATE = 4000


def dominant_pitch_class(samples: array.array[int]) -> int:
    """The pitch class (0 = C) with the most energy over MIDI 40–83, by Goertzel filters."""
    energy = [0.0] * 12
    for note in range(40, 84):
        coeff = 2 * math.cos(2 * math.pi * 440 * 2 ** ((note - 69) / 12) / RATE)
        s1 = s2 = 0.0
        for v in samples:
            s1, s2 = v + coeff * s1 - s2, s1
        energy[note % 12] += s1 * s1 + s2 * s2 - coeff * s1 * s2
    return max(range(12), key=energy.__getitem__)


@pytest.fixture(scope="module")
def music_mp3(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp_path = tmp_path_factory.mktemp("music")
    ctx = context_for(REQUEST, tmp_path, script=SCRIPT)
    handle = build_handler(Settings(), SynthMusicMaker(Settings()))
    result = asyncio.run(handle(EVENT, ctx))  # type: ignore[arg-type]
    key = result.payload.audio_key  # type: ignore[attr-defined]
    assert key.startswith(f"users/{USER_ID}/jobs/{JOB_ID}/audio/music-")  # content-addressed: reused by revisions
    mp3 = tmp_path / "music.mp3"
    mp3.write_bytes(ctx.storage.objects[key])  # type: ignore[attr-defined]
    return mp3


async def test_the_track_lasts_the_ads_length_in_stereo(music_mp3: Path) -> None:
    info = await probe(music_mp3)

    audio = info["streams"][0]
    assert float(info["format"]["duration"]) == pytest.approx(DURATION_S, abs=0.1)
    assert (audio["channels"], audio["sample_rate"]) == (2, "44100")


async def test_the_track_is_audible_and_changes_chords(music_mp3: Path, tmp_path: Path) -> None:
    raw = tmp_path / "music.s16"
    await ffmpeg(["-i", str(music_mp3), "-ac", "1", "-ar", str(RATE), "-f", "s16le", str(raw)], timeout_s=30)
    samples = array.array("h", raw.read_bytes())
    bar = round(2.5 * RATE)  # one bar at 96 bpm: one chord each

    windows = [samples[start + RATE // 4 : start + RATE // 4 + RATE] for start in range(0, 4 * bar, bar)]

    assert max(abs(v) for v in samples) > 3000
    assert len({dominant_pitch_class(w) for w in windows}) >= 3

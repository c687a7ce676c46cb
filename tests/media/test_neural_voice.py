"""The keyless narrator's neural voice (hibari-tts, weights in the package): real speech, its pace, its fallback."""

from __future__ import annotations

import wave
from pathlib import Path

import pytest

from services.narration.__main__ import local_narrator
from services.narration.handler import build_handler
from services.narration.hibari import ENGINE, HibariNarrator, NeuralVoiceUnavailable, load_voice
from shared.config import Settings
from shared.providers.base import MemoryCheckpoints, never_cancelled
from shared.script import NarrationTrack
from tests.fakes.audio_stage_context import JOB_ID, USER_ID, context_for
from tests.media.test_narration_speech import EVENT, REQUEST, SCRIPT, TEXT, rms_db


@pytest.fixture(scope="module")
def voice():
    return load_voice()


async def _speak(narrator, text: str, speed: float, out: Path):
    return await narrator.speak(
        text, speed=speed, voice="alloy", out=out, checkpoints=MemoryCheckpoints(), cancelled=never_cancelled
    )


async def test_the_bundled_voice_speaks_real_speech_of_its_trimmed_length(voice, tmp_path):
    out = tmp_path / "line.wav"

    spoken = await _speak(HibariNarrator(Settings(), voice), "Ask your doctor about Claritex.", 1.0, out)

    with wave.open(str(out), "rb") as wav:
        assert wav.getframerate() == 24000
        assert spoken.duration_s == pytest.approx(wav.getnframes() / wav.getframerate())
    assert 1.0 < spoken.duration_s < 4.0
    assert rms_db(out, 0.2, spoken.duration_s - 0.2) > -35  # speech, not silence
    assert rms_db(out, spoken.duration_s - 0.05, spoken.duration_s) > -70  # no padded silence at the end


async def test_the_per_segment_speed_sets_the_pace(voice, tmp_path):
    narrator = HibariNarrator(Settings(), voice)

    calm = await _speak(narrator, TEXT, 1.0, tmp_path / "calm.wav")
    fast = await _speak(narrator, TEXT, 1.45, tmp_path / "fast.wav")

    assert calm.duration_s / fast.duration_s >= 1.3


async def test_the_same_line_sounds_the_same_every_time(voice, tmp_path):
    narrator = HibariNarrator(Settings(), voice)
    await _speak(narrator, "Breathe easy.", 1.0, tmp_path / "a.wav")
    await _speak(narrator, "Breathe easy.", 1.0, tmp_path / "b.wav")

    assert (tmp_path / "a.wav").read_bytes() == (tmp_path / "b.wav").read_bytes()


async def test_the_narration_track_records_that_the_neural_voice_spoke(voice, tmp_path):
    ctx = context_for(REQUEST, tmp_path, script=SCRIPT)

    await build_handler(Settings(), HibariNarrator(Settings(), voice))(EVENT, ctx)

    objects = ctx.storage.objects  # type: ignore[attr-defined]
    track = NarrationTrack.model_validate_json(objects[f"users/{USER_ID}/jobs/{JOB_ID}/audio/narration-timings.json"])
    assert track.engine == f"local:{ENGINE}"
    assert [s.kind for s in track.segments] == ["narration", "safety"]


def test_the_keyless_narrator_is_the_neural_voice():
    assert local_narrator(Settings()).name == f"local:{ENGINE}"


def test_espeak_speaks_only_when_the_neural_voice_cannot_load(monkeypatch):
    import hibari.voices

    monkeypatch.setitem(hibari.voices.VOICES, "heart", {**hibari.voices.VOICES["heart"], "bundled": False})

    with pytest.raises(NeuralVoiceUnavailable, match="not bundled"):
        load_voice()
    assert local_narrator(Settings()).name == "local:espeak-ng"

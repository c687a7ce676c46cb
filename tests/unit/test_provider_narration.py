"""The OpenAI narrator through the real SDK against the fake speech server: audio, speed, retries, refusals."""

from __future__ import annotations

import pytest

from services.narration.openai_speech import OpenAiNarrator, voice_for
from shared.config import Settings
from shared.errors import PermanentError, TransientError
from shared.ffmpeg import probe
from shared.providers.base import MemoryCheckpoints, never_cancelled
from shared.providers.catalogue import CATALOGUE
from tests.fakes.openai_server import FakeOpenAIConfig, running_fake_openai

LINE = "Start your day clear and calm with Claritex."


@pytest.fixture
async def fake():
    async with running_fake_openai(FakeOpenAIConfig()) as server:
        yield server


def narrator_for(fake, key="sk-test") -> OpenAiNarrator:
    settings = Settings(OPENAI_API_KEY=key, OPENAI_BASE_URL=f"{fake.base_url}/v1")
    return OpenAiNarrator(settings, CATALOGUE["tts-1"])


def test_a_voice_the_model_lacks_falls_back_to_the_default():
    assert voice_for("tts-1", "marin") == "alloy"
    assert voice_for("gpt-4o-mini-tts", "marin") == "marin"
    assert voice_for("tts-1", "nova") == "nova"


async def test_a_line_is_spoken_to_a_real_audio_file_with_its_cost(fake, tmp_path):
    out = tmp_path / "line.mp3"

    spoken = await narrator_for(fake).speak(
        LINE, speed=1.0, voice="alloy", out=out, checkpoints=MemoryCheckpoints(), cancelled=never_cancelled
    )

    assert (await probe(out))["streams"][0]["codec_name"] == "mp3"
    assert spoken.duration_s > 1.0
    assert spoken.cost_usd == pytest.approx(len(LINE) * 15 / 1_000_000)


async def test_a_faster_speed_is_passed_through_and_speaks_shorter(fake, tmp_path):
    narrator = narrator_for(fake)
    calm = await narrator.speak(
        LINE,
        speed=1.0,
        voice="alloy",
        out=tmp_path / "a.wav",
        checkpoints=MemoryCheckpoints(),
        cancelled=never_cancelled,
    )

    fast = await narrator.speak(
        LINE,
        speed=1.4,
        voice="alloy",
        out=tmp_path / "b.wav",
        checkpoints=MemoryCheckpoints(),
        cancelled=never_cancelled,
    )

    assert fake.stats.speeds == [1.0, 1.4]
    assert fast.duration_s < calm.duration_s


async def test_throttling_is_ridden_out_by_retrying(fake, tmp_path):
    fake.config.throttle_next = 2

    spoken = await narrator_for(fake).speak(
        LINE,
        speed=1.0,
        voice="alloy",
        out=tmp_path / "c.mp3",
        checkpoints=MemoryCheckpoints(),
        cancelled=never_cancelled,
    )

    assert spoken.duration_s > 0
    assert fake.stats.throttled == 2
    assert fake.stats.spoken == 1


async def test_throttling_that_outlasts_the_retries_is_transient(fake, tmp_path):
    fake.config.throttle_next = 10

    with pytest.raises(TransientError):
        await narrator_for(fake).speak(
            LINE,
            speed=1.0,
            voice="alloy",
            out=tmp_path / "d.mp3",
            checkpoints=MemoryCheckpoints(),
            cancelled=never_cancelled,
        )

    assert fake.stats.requests == 3


async def test_a_bad_key_is_permanent(fake, tmp_path):
    with pytest.raises(PermanentError, match="refused the API key"):
        await narrator_for(fake, key="sk-wrong").speak(
            LINE,
            speed=1.0,
            voice="alloy",
            out=tmp_path / "e.mp3",
            checkpoints=MemoryCheckpoints(),
            cancelled=never_cancelled,
        )


async def test_a_line_over_the_limit_is_permanent_in_plain_words(fake, tmp_path):
    with pytest.raises(PermanentError, match="could not speak a narration line"):
        await narrator_for(fake).speak(
            "word " * 1000,
            speed=1.0,
            voice="alloy",
            out=tmp_path / "f.mp3",
            checkpoints=MemoryCheckpoints(),
            cancelled=never_cancelled,
        )

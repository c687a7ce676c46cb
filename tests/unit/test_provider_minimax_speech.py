"""The MiniMax narrator on Replicate through the real SDK against the strict fake: voice, speed, resume, cancel."""

from __future__ import annotations

import pytest

from services.narration.minimax_speech import MinimaxNarrator, speech_input, voice_id
from shared.config import Settings
from shared.errors import JobCancelled
from shared.ffmpeg import probe
from shared.providers.base import MemoryCheckpoints, never_cancelled
from shared.providers.catalogue import CATALOGUE
from tests.fakes.replicate_inputs import validate_input
from tests.fakes.replicate_server import FakeConfig, running_fake_replicate

LINE = "Start your day clear and calm with Claritex."
SPEECH = "minimax/speech-2.8-hd"


@pytest.fixture
async def fake():
    async with running_fake_replicate(FakeConfig(latency_s=0.03)) as server:
        yield server


def narrator_for(fake, model: str = SPEECH) -> MinimaxNarrator:
    settings = Settings(REPLICATE_API_TOKEN="test-token", REPLICATE_BASE_URL=fake.base_url, provider_poll_s=0.01)
    return MinimaxNarrator(settings, CATALOGUE[model])


def test_the_requests_voice_names_map_onto_the_models_own_voices():
    assert voice_id("alloy") == "Calm_Woman"
    assert voice_id("Deep_Voice_Man") == "Deep_Voice_Man"
    assert voice_id("someone-else") == "Calm_Woman"


def test_speed_is_the_models_own_and_kept_in_its_range():
    assert speech_input("minimax-speech", LINE, voice="alloy", speed=1.3)["speed"] == 1.3
    assert speech_input("minimax-speech", LINE, voice="alloy", speed=3.0)["speed"] == 2.0
    assert speech_input("minimax-speech-2.6", LINE, voice="alloy", speed=1.0)["output_format"] == "url"
    assert validate_input(SPEECH, speech_input("minimax-speech", LINE, voice="nova", speed=0.5)) == []


async def test_a_line_is_spoken_at_its_speed_with_its_cost(fake, tmp_path):
    calm = await narrator_for(fake).speak(
        LINE, speed=1.0, voice="alloy", out=tmp_path / "a.wav", checkpoints=MemoryCheckpoints(),
        cancelled=never_cancelled,
    )  # fmt: skip
    fast = await narrator_for(fake).speak(
        LINE, speed=1.5, voice="alloy", out=tmp_path / "b.wav", checkpoints=MemoryCheckpoints(),
        cancelled=never_cancelled,
    )  # fmt: skip

    assert (await probe(tmp_path / "a.wav"))["streams"][0]["codec_type"] == "audio"
    assert fast.duration_s < calm.duration_s * 0.8
    assert calm.cost_usd == pytest.approx(len(LINE) * 0.10 / 1000)
    assert [p.input["speed"] for p in fake.predictions.values()] == [1.0, 1.5]


async def test_a_redelivered_line_polls_its_prediction_instead_of_paying_again(fake, tmp_path):
    checkpoints = MemoryCheckpoints()
    for name in ("a.wav", "b.wav"):
        await narrator_for(fake).speak(
            LINE, speed=1.0, voice="alloy", out=tmp_path / name, checkpoints=checkpoints, cancelled=never_cancelled
        )

    assert fake.stats.creates == {SPEECH: 1}


async def test_a_cancelled_job_cancels_the_line_being_spoken(fake, tmp_path):
    fake.config.latency_s = 5.0
    polls = 0

    async def cancelled_after_a_poll() -> bool:
        nonlocal polls
        polls += 1
        return polls > 2

    with pytest.raises(JobCancelled):
        await narrator_for(fake).speak(
            LINE, speed=1.0, voice="alloy", out=tmp_path / "c.wav", checkpoints=MemoryCheckpoints(),
            cancelled=cancelled_after_a_poll,
        )  # fmt: skip

    assert fake.stats.cancelled == {SPEECH: 1}

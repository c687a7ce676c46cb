"""The instrumental music maker through the real SDK against the strict fake: schema-valid input, length, cost."""

from __future__ import annotations

import pytest

from services.music.instrumental import ReplicateMusicMaker, music_input
from shared.config import Settings
from shared.errors import JobCancelled
from shared.ffmpeg import probe
from shared.providers.base import MemoryCheckpoints, never_cancelled
from shared.providers.catalogue import CATALOGUE
from shared.script import Scene, Script
from tests.fakes.replicate_inputs import validate_input
from tests.fakes.replicate_server import FakeConfig, running_fake_replicate

SCRIPT = Script(title="Morning", duration_s=12, scenes=[Scene(index=0, duration_s=12, visual_prompt="a field")],
                needs_narration=False, music_mood="calm")  # fmt: skip
STABLE_AUDIO, MINIMAX = "stability-ai/stable-audio-2.5", "minimax/music-2.6"


@pytest.fixture
async def fake():
    async with running_fake_replicate(FakeConfig(latency_s=0.03, music_duration_s=5.0)) as server:
        yield server


def maker_for(fake, model: str = STABLE_AUDIO) -> ReplicateMusicMaker:
    settings = Settings(REPLICATE_API_TOKEN="test-token", REPLICATE_BASE_URL=fake.base_url, provider_poll_s=0.01)
    return ReplicateMusicMaker(settings, CATALOGUE[model])


def test_stable_audio_is_asked_for_the_ads_length_in_whole_seconds():
    model_input = music_input("stable-audio", SCRIPT.model_copy(update={"title": "x" * 4000}), 12.4)

    assert model_input["duration"] == 13
    assert "no vocals" in model_input["prompt"]
    assert validate_input(STABLE_AUDIO, model_input) == []


def test_minimax_music_is_asked_for_an_instrumental():
    model_input = music_input("minimax-music", SCRIPT, 30.0)

    assert model_input["is_instrumental"] is True
    assert "lyrics" not in model_input
    assert validate_input(MINIMAX, model_input) == []


async def test_the_track_is_made_at_the_ads_length(fake, tmp_path):
    out = tmp_path / "music.mp3"

    rendered = await maker_for(fake).compose(
        SCRIPT, duration_s=12.0, out=out, checkpoints=MemoryCheckpoints(), cancelled=never_cancelled
    )

    assert float((await probe(out))["format"]["duration"]) == pytest.approx(12.0, abs=0.1)
    assert rendered.cost_usd == pytest.approx(0.20)
    assert fake.stats.creates == {STABLE_AUDIO: 1}


async def test_a_short_song_is_looped_to_the_requested_length(fake, tmp_path):
    out = tmp_path / "music.mp3"

    rendered = await maker_for(fake, MINIMAX).compose(
        SCRIPT, duration_s=12.0, out=out, checkpoints=MemoryCheckpoints(), cancelled=never_cancelled
    )

    assert float((await probe(out))["format"]["duration"]) == pytest.approx(12.0, abs=0.1)
    assert rendered.cost_usd == pytest.approx(0.18)


async def test_a_long_song_is_cut_to_the_requested_length(fake, tmp_path):
    out = tmp_path / "music.wav"

    rendered = await maker_for(fake, MINIMAX).compose(
        SCRIPT, duration_s=3.0, out=out, checkpoints=MemoryCheckpoints(), cancelled=never_cancelled
    )

    assert rendered.duration_s == pytest.approx(3.0, abs=0.05)


async def test_a_retried_track_resumes_its_prediction(fake, tmp_path):
    checkpoints = MemoryCheckpoints()
    maker = maker_for(fake)
    await maker.compose(
        SCRIPT, duration_s=3.0, out=tmp_path / "a.mp3", checkpoints=checkpoints, cancelled=never_cancelled
    )

    await maker.compose(
        SCRIPT, duration_s=3.0, out=tmp_path / "b.mp3", checkpoints=checkpoints, cancelled=never_cancelled
    )

    assert fake.stats.creates[STABLE_AUDIO] == 1


async def test_a_cancelled_job_cancels_the_running_track(fake, tmp_path):
    fake.config.latency_s = 5.0
    calls = 0

    async def cancelled_after_a_poll() -> bool:
        nonlocal calls
        calls += 1
        return calls > 2

    with pytest.raises(JobCancelled):
        await maker_for(fake).compose(
            SCRIPT, duration_s=3.0, out=tmp_path / "c.mp3", checkpoints=MemoryCheckpoints(),
            cancelled=cancelled_after_a_poll,
        )  # fmt: skip

    assert fake.stats.cancelled == {STABLE_AUDIO: 1}

"""The Minimax music maker through the real SDK against the fake: schema-valid input, fitted length, cost."""

from __future__ import annotations

import pytest

from services.music.minimax import INSTRUMENTAL_LYRICS, MinimaxMusicMaker, music_input
from shared.config import Settings
from shared.ffmpeg import probe
from shared.providers.base import MemoryCheckpoints, never_cancelled
from shared.script import Scene, Script
from tests.fakes.replicate_server import FakeConfig, running_fake_replicate

SCRIPT = Script(title="Morning", duration_s=12, scenes=[Scene(index=0, duration_s=12, visual_prompt="a field")],
                needs_narration=False, music_mood="calm")  # fmt: skip


@pytest.fixture
async def fake():
    async with running_fake_replicate(FakeConfig(latency_s=0.03, music_duration_s=5.0)) as server:
        yield server


def maker_for(fake) -> MinimaxMusicMaker:
    return MinimaxMusicMaker(
        Settings(REPLICATE_API_TOKEN="test-token", REPLICATE_BASE_URL=fake.base_url, provider_poll_s=0.01)
    )


def test_the_input_keeps_within_the_models_length_limits():
    model_input = music_input(SCRIPT.model_copy(update={"title": "x" * 400}))

    assert 10 <= len(model_input["prompt"]) <= 300
    assert 10 <= len(model_input["lyrics"]) <= 600
    assert model_input["lyrics"] == INSTRUMENTAL_LYRICS


async def test_a_short_song_is_looped_to_the_requested_length(fake, tmp_path):
    out = tmp_path / "music.mp3"

    rendered = await maker_for(fake).compose(
        SCRIPT, duration_s=12.0, out=out, checkpoints=MemoryCheckpoints(), cancelled=never_cancelled
    )

    assert float((await probe(out))["format"]["duration"]) == pytest.approx(12.0, abs=0.1)
    assert rendered.cost_usd == pytest.approx(0.03)


async def test_a_long_song_is_cut_to_the_requested_length(fake, tmp_path):
    out = tmp_path / "music.wav"

    rendered = await maker_for(fake).compose(
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

    assert fake.stats.creates["minimax/music-1.5"] == 1

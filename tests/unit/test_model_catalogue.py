"""The model catalogue: every entry's inputs pass its published schema, the strict fake refuses what
production would silently drop, and the shutdown guard refuses retired models (with an injected clock)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from services.clips.veo import clip_input
from services.keyframes.image_model import image_input
from services.music.instrumental import music_input
from services.narration.minimax_speech import speech_input
from services.narration.openai_speech import speech_request
from shared.config import Settings
from shared.errors import PermanentError
from shared.providers.base import KeyframeShot, MemoryCheckpoints, never_cancelled
from shared.providers.catalogue import CATALOGUE, MODELS, Model, Price, Usage, model_for
from shared.providers.replicate_client import token_may_go_to
from shared.providers.selection import select
from shared.providers.shots import shot_durations
from shared.providers.shutdown import WARN_DAYS, ModelRetired, check_shutdown
from shared.request import AdRequest
from shared.script import Scene, Script
from shared.scripting.llm import ReplicateScriptWriter
from shared.scripting.llm_inputs import script_input
from tests.fakes.replicate_inputs import known_models, validate_input
from tests.fakes.replicate_server import FakeConfig, running_fake_replicate

SCRIPT = Script(
    title="Morning", aspect_ratio="1:1", resolution="720p", duration_s=12, music_mood="calm", needs_narration=False,
    scenes=[Scene(index=0, duration_s=12, visual_prompt="a sunlit kitchen")],
)  # fmt: skip


def built_input(model: Model) -> dict:
    """What the stage's adapter sends for one call to `model`, through the builder the catalogue names."""
    if model.stage == "script":
        return script_input(model.family, system="s", prompt="p", images=["https://example.test/a.jpg"])
    if model.stage == "narration" and model.provider == "openai":
        return speech_request(model.name, "Ask your doctor.", voice="alloy", speed=1.3, out=Path("x.wav"))
    if model.stage == "narration":
        return speech_input(model.family, "Ask your doctor.", voice="alloy", speed=1.3)
    if model.stage == "clips":
        duration = shot_durations(model.name, SCRIPT.scenes[0].duration_s)[0]
        return clip_input(
            model.name, SCRIPT.scenes[0], SCRIPT, start_image="data:image/jpeg;base64,AA==", duration=duration
        )
    if model.stage == "keyframes":
        shot = KeyframeShot(prompt="a pack on a kitchen table", setting="kitchen", width=720, height=720,
                            aspect_ratio=SCRIPT.aspect_ratio, shows_product=True)  # fmt: skip
        return image_input(model.family, shot, ["data:image/jpeg;base64,AA==", "https://example.test/photo.png"])
    return music_input(model.family, SCRIPT, 12.0)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.name)
def test_each_catalogue_entry_builds_inputs_its_published_schema_accepts(model):
    assert validate_input(model.name, built_input(model)) == []


def test_the_fake_serves_every_catalogue_model():
    assert {m.name for m in MODELS} <= set(known_models())


def test_the_schema_check_refuses_an_unknown_field_a_wrong_enum_and_a_missing_required_field():
    gpt5 = {**built_input(CATALOGUE["openai/gpt-5.6-terra"]), "temperature": 0.7}
    veo = {**built_input(CATALOGUE["google/veo-3.1"]), "aspect_ratio": "1:1"}
    speech = {"voice_id": "Calm_Woman"}

    assert [p["type"] for p in validate_input("openai/gpt-5.6-terra", gpt5)] == ["additional_property_not_allowed"]
    assert [p["type"] for p in validate_input("google/veo-3.1", veo)] == ["enum"]
    assert [p["field"] for p in validate_input("minimax/speech-2.8-hd", speech)] == ["input.text"]
    assert validate_input("minimax/speech-2.8-hd", {"text": "x", "speed": 3})[0]["type"] == "number_lte"
    assert validate_input("google/veo-3.1", {"prompt": "p", "last_frame": "data:x"})[0]["type"] == "dependency"


async def test_the_fake_rejects_an_adapter_sending_a_field_the_model_lacks_with_422():
    """A retired field (`temperature` on a GPT-5 model) would be dropped silently by Replicate: here it fails."""
    async with running_fake_replicate(FakeConfig(latency_s=0.01)) as fake:
        settings = Settings(REPLICATE_API_TOKEN="test-token", REPLICATE_BASE_URL=fake.base_url, provider_poll_s=0.01)
        wrongly_built = ReplicateScriptWriter(settings, Model("openai/gpt-5.6-terra", "script", "replicate", "gpt4o",
                                                              Price()))  # fmt: skip
        with pytest.raises(PermanentError, match=r"refused by Replicate: .*temperature"):
            await wrongly_built.write(
                AdRequest(brief="A calm spot for a sparkling water"),
                checkpoints=MemoryCheckpoints(), cancelled=never_cancelled,
            )  # fmt: skip
        assert fake.stats.creates == {}


def test_prices_follow_each_models_rule():
    assert CATALOGUE["google/veo-3.1"].price.cost(Usage(seconds=8)) == pytest.approx(1.60)  # silent rate
    assert CATALOGUE["minimax/speech-2.8-hd"].price.cost(Usage(chars=1000)) == pytest.approx(0.10)
    assert CATALOGUE["openai/gpt-5.6-terra"].price.cost(Usage(tokens_in=1e6, tokens_out=1e6)) == pytest.approx(17.5)
    assert CATALOGUE["stability-ai/stable-audio-2.5"].price.cost(Usage(files=1)) == pytest.approx(0.20)


def test_a_model_the_stage_does_not_offer_is_refused_with_the_choices():
    with pytest.raises(ValueError, match=r"not a music model in the catalogue.*stability-ai/stable-audio-2\.5"):
        model_for("music", "minimax/music-1.5")


def test_the_guard_is_quiet_far_from_a_shutdown_and_for_models_without_one():
    assert check_shutdown(CATALOGUE["tts-1"], date(2026, 11, 1)) is None
    assert check_shutdown(CATALOGUE["minimax/speech-2.8-hd"], date(2030, 1, 1)) is None


def test_the_guard_warns_within_thirty_days():
    notice = check_shutdown(CATALOGUE["tts-1"], date(2027, 1, 6) - timedelta(days=WARN_DAYS))

    assert notice is not None
    assert notice.days_left == WARN_DAYS
    assert "configure minimax/speech-2.8-hd instead" in notice.message


def test_the_guard_refuses_a_model_past_its_shutdown_naming_the_replacement():
    with pytest.raises(ModelRetired, match=r"tts-1 was shut down on 2027-01-06; configure minimax/speech-2\.8-hd"):
        check_shutdown(CATALOGUE["tts-1"], date(2027, 1, 6))


def test_a_stage_configured_with_a_retired_model_refuses_to_start():
    settings = Settings(OPENAI_API_KEY="sk-x", narration_model="tts-1")

    with pytest.raises(ModelRetired, match=r"minimax/speech-2\.8-hd"):
        select("narration", settings, today=date(2027, 2, 1))
    assert select("narration", settings, today=date(2026, 12, 20)).notice is not None
    assert select("narration", settings, today=date(2026, 10, 1)).notice is None


def test_the_default_models_are_current():
    settings = Settings(REPLICATE_API_TOKEN="r8_x")
    for stage in ("script", "narration", "clips", "music"):
        chosen = select(stage, settings, today=date(2027, 6, 1))  # after every announced shutdown
        assert chosen.provider == "replicate"
        assert chosen.model is not None
        assert chosen.model.shutdown is None


def test_the_token_goes_only_to_replicate_over_https_or_to_a_local_fake():
    assert token_may_go_to("https://api.replicate.com")
    assert token_may_go_to("http://127.0.0.1:8123")
    assert not token_may_go_to("http://api.replicate.com")
    assert not token_may_go_to("https://replicate.com.evil.example")
    assert not token_may_go_to("https://example.com")

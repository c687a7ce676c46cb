"""The GPT-4o script writer through the real SDK against the fake: strict JSON, feedback retries, style, cost."""

from __future__ import annotations

import pytest

from shared.config import Settings
from shared.errors import PermanentError
from shared.providers.base import MemoryCheckpoints, never_cancelled
from shared.providers.catalogue import CATALOGUE
from shared.request import AdRequest
from shared.scripting.llm import ReplicateScriptWriter
from shared.scripting.llm_inputs import script_input
from shared.scripting.llm_prompt import parse_script, script_prompt
from tests.fakes.paid_call import first_run
from tests.fakes.replicate_outputs import STYLE_DESCRIPTION
from tests.fakes.replicate_server import FakeConfig, running_fake_replicate

GPT5 = "openai/gpt-5.6-terra"
PHARMA = AdRequest(
    brief="30-second spot for an allergy drug, calm morning mood", ad_type="pharmaceutical", brand="Claritex",
    side_effects="drowsiness, dry mouth and headache", duration_s=30,
    prescribing_info_url="https://claritex.example/pi", phone="1-800-555-0199",
)  # fmt: skip


@pytest.fixture
async def fake():
    async with running_fake_replicate(FakeConfig(latency_s=0.03)) as server:
        yield server


def writer_for(fake, model: str = GPT5) -> ReplicateScriptWriter:
    settings = Settings(REPLICATE_API_TOKEN="test-token", REPLICATE_BASE_URL=fake.base_url, provider_poll_s=0.01)
    return ReplicateScriptWriter(settings, CATALOGUE[model])


def test_the_prompt_states_the_constraints_and_the_schema():
    prompt = script_prompt(PHARMA)

    assert "Total duration: 30 s" in prompt
    assert "Aspect ratio: 16:9" in prompt
    assert "drowsiness, dry mouth and headache" in prompt
    assert '"safety"' in prompt
    assert "Fixed closing JSON: " in prompt
    assert '"NarrationSegment"' in prompt


def test_an_answer_that_breaks_the_requests_constraints_is_rejected_with_words():
    request = PHARMA.model_copy(update={"duration_s": 20})
    scenes = (
        '[{"index":0,"duration_s":15,"visual_prompt":"a field"},{"index":1,"duration_s":15,"visual_prompt":"a sky"}]'
    )
    good_for_30 = f'{{"title":"t","duration_s":30,"scenes":{scenes},"needs_narration":false}}'

    with pytest.raises(ValueError, match="duration_s must be 20"):
        parse_script(good_for_30, request)


async def test_a_pharma_script_comes_back_valid_with_a_safety_segment(fake):
    drafted = await writer_for(fake).write(PHARMA, **first_run())

    assert drafted.script.duration_s == 30
    assert drafted.script.ad_type == "pharmaceutical"
    assert [s.kind for s in drafted.script.narration][-2:] == ["safety", "provision"]
    assert drafted.script.safety_text == PHARMA.side_effects
    assert drafted.cost_usd > 0
    assert fake.stats.creates[GPT5] == 1


async def test_invalid_json_is_retried_with_the_error_fed_back(fake):
    fake.config.invalid_script_next = 1

    drafted = await writer_for(fake).write(PHARMA, **first_run())

    assert drafted.script.scenes
    prompts = [p.input["prompt"] for p in fake.predictions.values()]
    assert len(prompts) == 2
    assert "Your previous answer was rejected: it was not valid JSON" in prompts[1]


async def test_a_model_that_never_answers_valid_json_fails_the_job_plainly(fake):
    fake.config.invalid_script_next = 5

    with pytest.raises(PermanentError, match="the script model did not return a valid script"):
        await writer_for(fake).write(PHARMA, **first_run())

    assert fake.stats.creates[GPT5] == 3


async def test_style_references_are_described_once_and_close_every_scene_prompt(fake):
    request = PHARMA.model_copy(update={"style_reference_urls": ["https://example.test/a.jpg"]})

    drafted = await writer_for(fake).write(request, **first_run())

    assert drafted.script.style_notes == STYLE_DESCRIPTION
    assert all(s.visual_prompt.endswith(f"Style: {STYLE_DESCRIPTION}") for s in drafted.script.scenes)
    with_images = [p for p in fake.predictions.values() if p.input.get("image_input")]
    assert len(with_images) == 1


def test_the_frame_size_is_the_users_choice_whatever_resolution_the_model_answers():
    request = AdRequest(brief="A calm spot for a sparkling water", duration_s=30, resolution="720p", narration=False)
    scenes = (
        '[{"index":0,"duration_s":15,"visual_prompt":"a field"},{"index":1,"duration_s":15,"visual_prompt":"a sky"}]'
    )
    answer = f'{{"title":"t","duration_s":30,"resolution":"1080p","scenes":{scenes},"needs_narration":false}}'

    assert parse_script(answer, request).resolution == "720p"


def test_gpt5_family_input_has_reasoning_effort_and_no_temperature():
    model_input = script_input("gpt5", system="s", prompt="p", images=["https://example.test/a.jpg"])

    assert "temperature" not in model_input
    assert model_input["reasoning_effort"] == "low"
    assert model_input["image_input"] == ["https://example.test/a.jpg"]


def test_gemini_takes_images_through_its_own_field():
    model_input = script_input(
        "gemini3", system="s", prompt="p", images=[f"https://example.test/{i}.jpg" for i in range(12)]
    )

    assert "image_input" not in model_input
    assert len(model_input["images"]) == 10
    assert model_input["system_instruction"] == "s"


@pytest.mark.parametrize("model", ["google/gemini-3-pro", "openai/gpt-4o"])
async def test_every_script_family_writes_a_script_through_the_strict_fake(fake, model):
    drafted = await writer_for(fake, model).write(PHARMA, **first_run())

    assert drafted.script.duration_s == 30
    assert fake.stats.creates == {model: 1}


async def test_a_redelivered_script_message_polls_the_existing_prediction(fake):
    checkpoints = MemoryCheckpoints()
    first = await writer_for(fake).write(PHARMA, checkpoints=checkpoints, cancelled=never_cancelled)

    again = await writer_for(fake).write(PHARMA, checkpoints=checkpoints, cancelled=never_cancelled)

    assert again.script == first.script
    assert fake.stats.creates == {GPT5: 1}
    assert checkpoints.get("prediction-script-0")


async def test_cost_comes_from_the_token_counts_replicate_reports(fake):
    drafted = await writer_for(fake).write(PHARMA, **first_run())

    (prediction,) = fake.predictions.values()
    tokens_in, tokens_out = prediction.metrics["input_token_count"], prediction.metrics["output_token_count"]
    assert drafted.cost_usd == pytest.approx(round((tokens_in * 2.50 + tokens_out * 15.0) / 1e6, 6))

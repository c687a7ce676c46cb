"""The Replicate image models through the real SDK against the strict fake: references, fitting, cost, resume."""

from __future__ import annotations

import base64
import io

import pytest
from PIL import Image

from services.keyframes.image_model import ReplicateKeyframeMaker, image_input
from shared.config import Settings
from shared.errors import PermanentError
from shared.providers.base import KeyframeShot, MemoryCheckpoints, never_cancelled
from shared.providers.catalogue import CATALOGUE, Model, Price, Usage
from tests.fakes.replicate_inputs import validate_input
from tests.fakes.replicate_server import FakeConfig, running_fake_replicate

SHOT = KeyframeShot(prompt="a Claritex box on a kitchen table", setting="kitchen", width=320, height=180,
                    aspect_ratio="16:9", shows_product=True)  # fmt: skip
JPEG = "data:image/jpeg;base64,/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAEBAQ=="


@pytest.fixture
async def fake():
    async with running_fake_replicate(FakeConfig(latency_s=0.02)) as server:
        yield server


def _maker(fake, model: str = "google/nano-banana-pro") -> ReplicateKeyframeMaker:
    settings = Settings(REPLICATE_API_TOKEN="test-token", REPLICATE_BASE_URL=fake.base_url, provider_poll_s=0.01)
    return ReplicateKeyframeMaker(settings, CATALOGUE[model])


def _png(path, colour) -> None:
    Image.new("RGB", (64, 48), colour).save(path)


async def test_a_keyframe_is_made_from_the_hero_and_the_photos_and_fitted_to_the_frame(fake, tmp_path):
    hero, photo, out = tmp_path / "hero.png", tmp_path / "product-0.png", tmp_path / "kf.png"
    _png(hero, (200, 30, 30))
    _png(photo, (30, 200, 30))

    made = await _maker(fake).make_keyframe(
        SHOT, product_photos=[photo], hero=hero, out=out, checkpoints=MemoryCheckpoints(),
        checkpoint_key="prediction-abc", cancelled=never_cancelled,
    )  # fmt: skip

    sent = next(iter(fake.predictions.values())).input
    assert [ref.split(",")[0] for ref in sent["image_input"]] == ["data:image/jpeg;base64"] * 2
    first_reference = Image.open(io.BytesIO(base64.b64decode(sent["image_input"][0].split(",")[1])))
    assert first_reference.convert("RGB").getpixel((10, 10))[0] > 150  # the hero comes first
    assert (sent["aspect_ratio"], sent["resolution"], sent["output_format"]) == ("16:9", "1K", "png")
    with Image.open(out) as image:
        assert (image.format, image.size) == ("PNG", (320, 180))
        assert image.convert("RGB").getpixel((160, 90))[0] > 150  # the fake pastes the first reference in the centre
    assert made.cost_usd == pytest.approx(0.13)


async def test_a_resumed_keyframe_does_not_pay_twice(fake, tmp_path):
    checkpoints, maker = MemoryCheckpoints(), _maker(fake)
    for attempt in range(2):
        await maker.make_keyframe(
            SHOT, product_photos=[], hero=None, out=tmp_path / f"kf-{attempt}.png", checkpoints=checkpoints,
            checkpoint_key="prediction-abc", cancelled=never_cancelled,
        )  # fmt: skip

    assert fake.stats.creates["google/nano-banana-pro"] == 1
    assert checkpoints.get("prediction-abc")


async def test_flux_kontext_takes_one_reference_the_hero_at_the_tolerance_it_allows(fake, tmp_path):
    hero, photo = tmp_path / "hero.png", tmp_path / "product-0.png"
    _png(hero, (200, 30, 30))
    _png(photo, (30, 200, 30))

    await _maker(fake, "black-forest-labs/flux-kontext-pro").make_keyframe(
        SHOT, product_photos=[photo], hero=hero, out=tmp_path / "kf.png", checkpoints=MemoryCheckpoints(),
        checkpoint_key="prediction-abc", cancelled=never_cancelled,
    )  # fmt: skip

    sent = next(iter(fake.predictions.values())).input
    assert set(sent) == {"prompt", "aspect_ratio", "output_format", "input_image", "safety_tolerance"}
    assert sent["safety_tolerance"] == 2


def test_the_strict_schema_refuses_what_replicate_would_drop_or_reject():
    good = image_input("nano-banana", SHOT, [JPEG])
    assert validate_input("google/nano-banana-pro", good) == []

    assert [p["type"] for p in validate_input("google/nano-banana-pro", {**good, "seed": 3})] == [
        "additional_property_not_allowed"
    ]
    assert [p["type"] for p in validate_input("google/nano-banana-pro", {**good, "aspect_ratio": "2:1"})] == ["enum"]
    assert [p["type"] for p in validate_input("google/nano-banana-pro", {**good, "image_input": [JPEG] * 15})] == [
        "array_length"
    ]
    assert [p["type"] for p in validate_input("google/nano-banana-pro", {**good, "image_input": ["a photo"]})] == [
        "format"
    ]
    assert [p["type"] for p in validate_input("google/nano-banana-pro", {**good, "resolution": "8K"})] == ["enum"]
    assert [p["field"] for p in validate_input("google/nano-banana-pro", {"image_input": [JPEG]})] == ["input.prompt"]
    flux = {**image_input("flux-kontext", SHOT, [JPEG]), "safety_tolerance": 4}
    assert [p["type"] for p in validate_input("black-forest-labs/flux-kontext-pro", flux)] == ["number_lte"]


async def test_an_adapter_sending_a_field_the_model_lacks_is_refused_by_the_fake(fake, tmp_path):
    """Replicate would drop a misspelt field silently; the fake answers 422 and the adapter fails the job."""
    settings = Settings(REPLICATE_API_TOKEN="test-token", REPLICATE_BASE_URL=fake.base_url, provider_poll_s=0.01)
    flux_inputs_to_nano = Model("google/nano-banana-pro", "keyframes", "replicate", "flux-kontext", Price())
    hero = tmp_path / "hero.png"
    _png(hero, (200, 30, 30))

    with pytest.raises(PermanentError, match="input_image"):
        await ReplicateKeyframeMaker(settings, flux_inputs_to_nano).make_keyframe(
            SHOT, product_photos=[], hero=hero, out=tmp_path / "kf.png", checkpoints=MemoryCheckpoints(),
            checkpoint_key="prediction-abc", cancelled=never_cancelled,
        )  # fmt: skip
    assert fake.stats.creates == {}


def test_image_prices_follow_each_models_rule():
    assert CATALOGUE["google/nano-banana-pro"].price.cost(Usage(files=1)) == pytest.approx(0.13)
    assert CATALOGUE["black-forest-labs/flux-kontext-pro"].price.cost(Usage(files=9)) == pytest.approx(0.36)

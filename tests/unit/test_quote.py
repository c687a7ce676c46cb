"""The quote prices a planned script from the catalogue's rules: billed video seconds, spoken characters, one track."""

from __future__ import annotations

from dataclasses import replace

import pytest

from shared.providers.catalogue import CATALOGUE, Model, Price, Usage
from shared.quote import LOCAL, Quote, keyframe_images, price_script, spoken_characters
from shared.script import NarrationSegment, Scene, Script

VEO = CATALOGUE["google/veo-3.1"]
KLING = CATALOGUE["kwaivgi/kling-v2.1"]
SPEECH = CATALOGUE["minimax/speech-2.8-hd"]
MUSIC = CATALOGUE["stability-ai/stable-audio-2.5"]
WRITER = CATALOGUE["openai/gpt-5.6-terra"]
PAID = {"script": WRITER, "narration": SPEECH, "clips": VEO, "music": MUSIC}
# The Replicate "flat per image" rule of an image model with reference inputs (the keyframes' kind of model).
IMAGE_MODEL = Model("example/image-model", "clips", "replicate", "image", Price(per_file=0.039))


def script(durations: list[float], lines: list[str]) -> Script:
    scenes = [Scene(index=i, duration_s=d, visual_prompt=f"scene {i} of the ad") for i, d in enumerate(durations)]
    narration = [NarrationSegment(text=line, start_s=i + 0.3, end_s=i + 0.9) for i, line in enumerate(lines)]
    return Script(title="t", duration_s=sum(durations), scenes=scenes, narration=narration, needs_narration=bool(lines))


AD_30S = script([7.5, 6.0, 6.0, 6.0, 4.5], ["Tired of sneezing?", "Call 1-800-555-0199 today."])


def assert_priced_by_the_catalogue(quote: Quote, catalogue: dict[str, Model]) -> None:
    """Every line's cost is its model's published rate applied to its units, and the total adds up."""
    usage = {
        "second": lambda u: Usage(seconds=u),
        "character": lambda u: Usage(chars=int(u)),
        "image": lambda u: Usage(files=int(u)),
        "token": lambda u: Usage(tokens_out=u),
    }
    for line in quote.stages:
        if line.model == LOCAL:
            assert line.cost_usd == 0
        elif line.unit in usage:
            assert line.cost_usd == pytest.approx(catalogue[line.model].price.cost(usage[line.unit](line.units)))
    for scene in quote.scenes:
        assert scene.cost_usd == pytest.approx(catalogue[scene.model].price.cost(Usage(seconds=scene.seconds)))
    assert quote.total_usd == pytest.approx(sum(line.cost_usd for line in quote.stages))


def test_a_30s_ad_on_veo_is_billed_by_the_seconds_veo_renders() -> None:
    quote = price_script(AD_30S, PAID, script_cost_usd=0.0123)

    # Veo renders 4, 6 or 8 s: the 7.5 s scene is an 8 s shot, the 4.5 s closing a 6 s one.
    assert [(s.index, s.seconds) for s in quote.scenes] == [(0, 8), (1, 6), (2, 6), (3, 6), (4, 6)]
    clips = next(line for line in quote.stages if line.stage == "clips")
    assert (clips.model, clips.units, clips.unit) == ("google/veo-3.1", 32, "second")
    assert clips.cost_usd == pytest.approx(32 * 0.20)
    assert_priced_by_the_catalogue(quote, CATALOGUE)
    assert [line.stage for line in quote.stages] == ["script", "narration", "clips", "music"]
    assert quote.stages[0].cost_usd == 0.0123  # what writing the script cost
    assert quote.total_usd == pytest.approx(0.0123 + spoken_characters(AD_30S) * 0.10 / 1000 + 6.40 + 0.20)


def test_a_scene_longer_than_the_longest_shot_is_billed_as_its_shots() -> None:
    long_scene = script([12.0, 8.0], [])
    veo = price_script(long_scene, PAID)
    kling = price_script(long_scene, {**PAID, "clips": KLING})

    assert [s.seconds for s in veo.scenes] == [12, 8]  # two 6 s Veo shots, then one 8 s
    assert [s.seconds for s in kling.scenes] == [20, 10]  # two 10 s Kling shots, one 10 s
    assert_priced_by_the_catalogue(kling, CATALOGUE)


def test_narration_is_billed_per_character_as_the_voice_reads_it() -> None:
    # The phone number is spelled out digit by digit for the voice, and the provider bills what it is sent.
    assert spoken_characters(AD_30S) == len("Tired of sneezing?") + len("Call 1, 8 0 0, 5 5 5, 0 1 9 9 today.")
    silent = AD_30S.model_copy(update={"needs_narration": False})
    assert spoken_characters(silent) == 0


def test_keyless_stages_cost_nothing_and_say_local() -> None:
    quote = price_script(AD_30S, {"script": None, "narration": None, "clips": None, "music": None})

    assert {line.model for line in quote.stages} == {LOCAL}
    assert quote.total_usd == 0
    assert [s.seconds for s in quote.scenes] == [7.5, 6.0, 6.0, 6.0, 4.5]  # nothing to snap


def test_before_the_script_is_written_its_tokens_are_estimated_at_the_models_rate() -> None:
    quote = price_script(AD_30S, PAID, script_tokens=2000)

    assert quote.stages[0].model_dump() == {
        "stage": "script", "model": WRITER.name, "units": 2000, "unit": "token", "cost_usd": 2000 * 15.0 / 1e6,
    }  # fmt: skip


def test_keyframes_are_priced_per_image_when_a_keyframes_model_is_configured() -> None:
    without = price_script(AD_30S, PAID)
    quote = price_script(AD_30S, {**PAID, "keyframes": IMAGE_MODEL}, continuity="keyframes")
    chained = price_script(AD_30S, {**PAID, "keyframes": IMAGE_MODEL}, continuity="chain")

    assert "keyframes" not in [line.stage for line in without.stages]
    frames = next(line for line in quote.stages if line.stage == "keyframes")
    assert (frames.units, frames.unit) == (1 + 6, "image")  # the hero and the 6 boundaries of 5 scenes
    assert frames.cost_usd == pytest.approx(7 * 0.039)
    assert keyframe_images(AD_30S, "chain") == 2  # the hero and scene 0's opening
    same_picture = AD_30S.model_copy(update={"scenes": [s.model_copy(update={"visual_prompt": "a calm park"})
                                                         for s in AD_30S.scenes]})  # fmt: skip
    # One picture for every scene is drawn twice (neighbouring scenes see the place from either side, as the
    # keyframes stage plans them), each made once; then the closing frame.
    assert keyframe_images(same_picture) == 1 + 2 + 1
    assert next(line for line in chained.stages if line.stage == "keyframes").units == 2
    assert quote.total_usd == pytest.approx(without.total_usd + 7 * 0.039)


def test_a_wrong_price_rule_is_caught() -> None:
    """A catalogue entry with the wrong rate gives a quote that does not match the published rates."""
    wrong = replace(VEO, price=Price(per_second=0.40))  # Veo 3.1's rate with audio, which we never ask for
    quote = price_script(AD_30S, {**PAID, "clips": wrong})

    with pytest.raises(AssertionError):
        assert_priced_by_the_catalogue(quote, CATALOGUE)
    assert_priced_by_the_catalogue(quote, {**CATALOGUE, VEO.name: wrong})  # consistent with its own (wrong) rule

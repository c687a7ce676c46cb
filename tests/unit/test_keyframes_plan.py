"""What each keyframe shows: the scene's place, time and weather read from its words; the shots planned."""

from __future__ import annotations

import pytest

from shared.animatic.setting import Scenery, mentions_product, read_scenery
from shared.keyframe_plan import plan_keyframes
from shared.script import Scene, Script


@pytest.mark.parametrize(
    ("setting", "prompt", "expected"),
    [
        ("", "a muddy forest trail in the rain", Scenery("forest", "day", rain=True)),
        ("kitchen", "a woman sitting at a table, tired", Scenery("kitchen")),
        (
            "night",
            "the same man sleeping peacefully as blue moonlight falls across the bed",
            Scenery("bedroom", "night"),
        ),
        ("street", "a runner slowing to a stop on a grey city street", Scenery("city")),
        ("beach", "friends laughing on a beach at golden hour", Scenery("beach", "dawn")),
        ("", "waves rolling onto rocks under a grey sky", Scenery("sea")),
        ("pharmacy", "a package on a clean pharmacy counter", Scenery("clinic")),
        ("", "hikers on a mountain summit", Scenery("mountains")),
        ("", "a laptop on a desk in a bright office", Scenery("office")),
        ("park", "a family picnic in a green park", Scenery("park")),
        ("", "a calm abstract gradient", Scenery("studio")),
    ],
)
def test_the_place_time_and_weather_are_read_from_the_scenes_words(setting, prompt, expected):
    assert read_scenery(setting, prompt) == expected


def test_the_setting_word_wins_over_the_prompt():
    assert read_scenery("office", "a view of the sea from the window").place == "office"


def test_a_scene_shows_the_product_when_its_words_name_a_pack_or_the_brand():
    assert mentions_product("a Claritex box on a bedside table", "Claritex")
    assert mentions_product("Claritex on the shelf", "Claritex")
    assert not mentions_product("a runner on a bridge at sunrise", "Claritex")


def _script(count: int = 3) -> Script:
    scenes = [
        Scene(index=i, duration_s=4.0, visual_prompt=f"scene {i} in a park", setting="park") for i in range(count)
    ]
    return Script(title="Ad", brand="Claritex", aspect_ratio="9:16", resolution="720p", duration_s=4.0 * count,
                  scenes=scenes, needs_narration=False)  # fmt: skip


def test_keyframes_mode_plans_n_plus_one_boundaries_at_the_frame_size():
    plan = plan_keyframes(_script(), brief="A spot for an allergy relief spray", colours=("#7A1F5C",))

    assert len(plan.boundaries) == 4
    assert plan.hero.hero
    assert plan.hero.shows_product
    assert {(s.width, s.height, s.aspect_ratio) for s in [plan.hero, *plan.boundaries]} == {(720, 1280, "9:16")}
    assert all(s.colours == ("#7A1F5C",) for s in plan.boundaries)
    assert plan.boundaries[-1].shows_product
    assert "allergy relief spray" in plan.hero.prompt


def test_chain_mode_plans_only_the_first_scenes_opening():
    plan = plan_keyframes(_script(), brief="A spot for an allergy relief spray", continuity="chain")

    assert [s.prompt for s in plan.boundaries] == [plan_keyframes(_script(), brief="x").boundaries[0].prompt]

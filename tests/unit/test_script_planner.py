"""The local scene planner: a whole, well-timed script from a brief, the same every time."""

from __future__ import annotations

from itertools import pairwise

import pytest

from services.script.planner import plan
from services.script.scenes import ON_SCREEN_MAX_CHARS
from services.script.timeline import CALM_WORDS_PER_S
from shared.request import AdRequest

SIDE_EFFECTS = (
    "Common side effects include drowsiness, dry mouth, headache and nausea. Do not take with alcohol. "
    "Tell your doctor if you have liver or kidney problems. Rare but serious allergic reactions can occur; "
    "stop use and get help right away if you have swelling of the face or trouble breathing."
)


def pharma(**overrides: object) -> AdRequest:
    fields: dict[str, object] = {
        "brief": "30-second spot for an allergy drug, calm morning mood, brand Claritex",
        "ad_type": "pharmaceutical",
        "side_effects": SIDE_EFFECTS,
    }
    return AdRequest.model_validate(fields | overrides)


def general(**overrides: object) -> AdRequest:
    return AdRequest.model_validate({"brief": "An energetic ad for Stride running shoes"} | overrides)


def test_the_same_request_gives_the_same_script() -> None:
    assert plan(pharma()) == plan(pharma())


@pytest.mark.parametrize("duration_s", [8, 11, 13, 17, 23, 30, 37, 41, 53, 60])
def test_scene_durations_add_up_exactly_to_the_requested_length(duration_s: int) -> None:
    script = plan(general(duration_s=duration_s))

    assert 4 <= len(script.scenes) <= 6
    assert round(sum(s.duration_s for s in script.scenes), 6) == duration_s


def test_a_pharmaceutical_script_reads_the_side_effects_fast_at_the_end() -> None:
    script = plan(pharma())

    safety = [s for s in script.narration if s.kind == "safety"]
    assert len(safety) == 1
    assert safety[0].speed == pytest.approx(1.45)
    assert safety[0].start_s >= script.duration_s / 2
    assert safety[0].text.startswith("Common side effects include drowsiness")
    assert script.safety_text == SIDE_EFFECTS


def test_a_general_script_has_no_safety_reading_or_text() -> None:
    script = plan(general())

    assert all(s.kind == "narration" for s in script.narration)
    assert script.safety_text == ""


def test_side_effects_too_long_for_the_window_are_shortened_to_fit_the_fast_read() -> None:
    long_text = " ".join([SIDE_EFFECTS] * 4)
    script = plan(pharma(side_effects=long_text, duration_s=20))

    safety = next(s for s in script.narration if s.kind == "safety")
    budget = (safety.end_s - safety.start_s) * CALM_WORDS_PER_S * safety.speed
    assert len(safety.text.split()) <= budget
    assert safety.text.endswith("See full safety information.")
    assert script.safety_text == long_text


@pytest.mark.parametrize("request_", [pharma(), general(), pharma(duration_s=8), general(duration_s=60)])
def test_narration_windows_sit_inside_the_ad_in_order_without_overlap(request_: AdRequest) -> None:
    script = plan(request_)

    windows = [(s.start_s, s.end_s) for s in script.narration]
    assert windows == sorted(windows)
    assert all(0 <= start < end <= script.duration_s for start, end in windows)
    assert all(prev[1] <= nxt[0] for prev, nxt in pairwise(windows))


@pytest.mark.parametrize("request_", [pharma(), general(duration_s=15), general(duration_s=45)])
def test_every_calm_line_fits_its_window_at_a_calm_speaking_rate(request_: AdRequest) -> None:
    script = plan(request_)

    for segment in (s for s in script.narration if s.kind == "narration"):
        assert len(segment.text.split()) / (segment.end_s - segment.start_s) <= CALM_WORDS_PER_S


def test_on_screen_text_is_short_enough_to_read() -> None:
    for request_ in (pharma(), general(), general(brief="a long commercial for a coffee brand", duration_s=60)):
        assert all(len(s.on_screen_text) <= ON_SCREEN_MAX_CHARS for s in plan(request_).scenes)


def test_the_mood_is_read_from_the_brief() -> None:
    assert plan(pharma()).music_mood == "calm"
    assert plan(general()).music_mood == "energetic"


def test_a_requested_music_mood_is_passed_on_as_written() -> None:
    assert plan(general(music_mood="dreamy synthwave")).music_mood == "dreamy synthwave"


def test_the_brand_is_taken_from_the_brief_when_not_given() -> None:
    script = plan(general(brief="Hopeful spot introducing Cardiva for everyday energy"))

    assert script.brand == "Cardiva"
    assert "Cardiva" in script.scenes[-1].on_screen_text


def test_a_given_brand_wins_over_the_brief() -> None:
    assert plan(general(brand="Fleetfoot")).brand == "Fleetfoot"


@pytest.mark.parametrize("aspect_ratio", ["16:9", "9:16", "1:1"])
def test_aspect_ratio_and_resolution_are_copied_and_framed_in_every_prompt(aspect_ratio: str) -> None:
    script = plan(general(aspect_ratio=aspect_ratio, resolution="720p"))

    assert (script.aspect_ratio, script.resolution) == (aspect_ratio, "720p")
    assert all(aspect_ratio in scene.visual_prompt for scene in script.scenes)


def test_every_scene_names_a_setting_and_a_camera_move() -> None:
    script = plan(pharma())

    assert all(scene.setting for scene in script.scenes)
    assert all(
        any(m in s.visual_prompt for m in ("push-in", "orbit", "handheld", "tracking", "locked-off", "slider"))
        for s in script.scenes
    )


def test_an_ad_without_voice_over_has_no_narration() -> None:
    script = plan(pharma(narration=False))

    assert (script.needs_narration, script.narration) == (False, [])
    assert script.safety_text == SIDE_EFFECTS

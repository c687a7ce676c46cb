"""The local scene planner: a whole, well-timed script from a brief, the same every time."""

from __future__ import annotations

from itertools import pairwise

import pytest

from shared.provision import provision, shortest_ad_s
from shared.request import AdRequest
from shared.scripting.planner import plan
from shared.scripting.scenes import ON_SCREEN_MAX_CHARS
from shared.scripting.statement_check import statement_problems
from shared.scripting.timeline import CALM_WORDS_PER_S
from shared.statement import FAST_SPEED, MIN_WPM, normalise, spoken_words, text_layout

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
        "prescribing_info_url": "https://www.claritex.example/pi",
        "phone": "1-800-555-0199",
        "duration_s": 50,
    }
    return AdRequest.model_validate(fields | overrides)


def shortest(statement: str = SIDE_EFFECTS, frame: tuple[int, int] = (1920, 1080)) -> int:
    end_card = provision(url="https://www.claritex.example/pi", phone="1-800-555-0199", print_reference=None)
    return shortest_ad_s(statement, end_card, text_layout(frame))


def general(**overrides: object) -> AdRequest:
    return AdRequest.model_validate({"brief": "An energetic ad for Stride running shoes"} | overrides)


def test_the_same_request_gives_the_same_script() -> None:
    assert plan(pharma()) == plan(pharma())


@pytest.mark.parametrize("duration_s", [8, 11, 13, 17, 23, 30, 37, 41, 53, 60])
def test_scene_durations_add_up_exactly_to_the_requested_length(duration_s: int) -> None:
    script = plan(general(duration_s=duration_s))

    assert 4 <= len(script.scenes) <= 6
    assert round(sum(s.duration_s for s in script.scenes), 6) == duration_s


def test_a_pharmaceutical_script_reads_the_statement_verbatim_at_the_calm_pace_at_the_end() -> None:
    script = plan(pharma())

    pages = [s for s in script.narration if s.kind == "safety"]
    assert " ".join(p.text for p in pages) == normalise(SIDE_EFFECTS)
    assert script.safety_text == normalise(SIDE_EFFECTS)
    assert {s.speed for s in script.narration} == {1.0}
    assert all(spoken_words(p.text) * 60 / (p.end_s - p.start_s) <= MIN_WPM + 0.5 for p in pages)
    assert pages[0].start_s >= max(s.end_s for s in script.narration if s.kind == "narration")
    assert script.narration[-1].kind == "provision"
    assert statement_problems(script, pharma()) == []


def test_the_statement_plays_over_scenes_without_text_and_without_a_cut_faster_than_the_rest() -> None:
    script = plan(pharma())
    pages = [s for s in script.narration if s.kind == "safety"]
    starts = script.scene_starts()
    during = [(start, scene) for start, scene in zip(starts, script.scenes, strict=True)
              if start + scene.duration_s > pages[0].start_s and start < pages[-1].end_s]  # fmt: skip
    cuts_during = sum(1 for start, _ in during if pages[0].start_s < start < pages[-1].end_s)
    before = [start for start in starts if 0 < start < pages[0].start_s]

    assert all(scene.on_screen_text == "" for _, scene in during)
    assert cuts_during / (pages[-1].end_s - pages[0].start_s) <= len(before) / pages[0].start_s


def test_the_end_card_speaks_and_shows_the_adequate_provision() -> None:
    script = plan(pharma(print_reference="Health Monthly, May 2026"))

    spoken = script.narration[-1].text
    for element in ("Ask your doctor or pharmacist", "claritex.example/pi", "1-800-555-0199", "Health Monthly"):
        assert element in spoken
        assert any(element in line for line in script.end_card)
    assert script.scenes[-1].on_screen_text == ""


def test_the_faster_safety_pace_is_an_opt_in_that_speeds_only_the_statement() -> None:
    script = plan(pharma(safety_pace="fast"))

    assert {s.speed for s in script.narration if s.kind == "safety"} == {FAST_SPEED}
    assert {s.speed for s in script.narration if s.kind != "safety"} == {1.0}


def test_a_general_script_has_no_safety_reading_or_text() -> None:
    script = plan(general())

    assert all(s.kind == "narration" for s in script.narration)
    assert script.safety_text == ""
    assert script.end_card == []


@pytest.mark.parametrize("frame", [("16:9", (1920, 1080)), ("9:16", (1080, 1920)), ("1:1", (1080, 1080))])
def test_a_long_statement_is_never_shortened_it_gets_the_time_it_needs(frame: tuple[str, tuple[int, int]]) -> None:
    long_text = f"{SIDE_EFFECTS} Tell your doctor about all your medicines."  # the old planner cut it short
    needed = shortest(long_text, frame[1])
    script = plan(pharma(side_effects=long_text, duration_s=needed, aspect_ratio=frame[0]))

    assert " ".join(s.text for s in script.narration if s.kind == "safety") == normalise(long_text)
    assert round(sum(s.duration_s for s in script.scenes), 6) == needed
    assert all(s.end_s <= needed for s in script.narration)


@pytest.mark.parametrize("request_", [pharma(), general(), pharma(duration_s=shortest()), general(duration_s=60)])
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
        any(
            m in s.visual_prompt
            for m in ("push-in", "orbit", "handheld", "tracking", "locked-off", "slider", "steady wide shot")
        )
        for s in script.scenes
    )


def test_an_ad_without_voice_over_has_no_narration() -> None:
    script = plan(general(narration=False))

    assert (script.needs_narration, script.narration) == (False, [])


def test_a_pharmaceutical_ad_cannot_go_without_voice_over() -> None:
    with pytest.raises(ValueError, match="narration must be true"):
        pharma(narration=False)

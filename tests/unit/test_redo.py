"""What a revision redoes, predicted from the two scripts; what is carried from one version to the next."""

from __future__ import annotations

from shared.providers.catalogue import CATALOGUE
from shared.redo import changed_keyframes, price_redo, redo_for
from shared.request import AdRequest
from shared.scripting.planner import plan
from shared.versions import carried_checkpoints

SCRIPT = plan(AdRequest(brief="A calm spring morning spot for Brewly coffee, windows open", duration_s=30))
VEO = CATALOGUE["google/veo-3.1"]


def _scene_changed(index: int, **changes: object):
    scenes = list(SCRIPT.scenes)
    scenes[index] = scenes[index].model_copy(update=changes)
    return SCRIPT.model_copy(update={"scenes": scenes})


def test_on_screen_text_alone_redoes_nothing_paid():
    revised = _scene_changed(1, on_screen_text="Now in decaf")

    redo = redo_for(SCRIPT, revised)

    assert (redo.scenes, redo.narration_segments, redo.music) == ([], [], False)
    assert price_redo(revised, redo, {"clips": VEO, "music": None, "narration": None}).total_usd == 0.0
    assert not redo.pays_after_gate  # so a review job's text-only revision is not stopped for approval


def test_a_changed_prompt_in_keyframes_mode_redoes_the_scene_and_the_one_ending_on_its_keyframe():
    revised = _scene_changed(2, visual_prompt="A sunlit garden at dawn, steam rising from a cup")

    redo = redo_for(SCRIPT, revised, continuity="keyframes")

    assert changed_keyframes(SCRIPT, revised) == [2]
    assert redo.scenes == [1, 2]
    assert redo.reasons == {"1": ["ends on keyframe 2"], "2": ["visual_prompt"]}
    assert redo.pays_after_gate


def test_a_changed_prompt_with_chained_continuity_redoes_every_scene_after_it():
    revised = _scene_changed(1, visual_prompt="A sunlit garden at dawn, steam rising from a cup")

    redo = redo_for(SCRIPT, revised, continuity="chain")

    assert redo.scenes == list(range(1, len(SCRIPT.scenes)))
    assert redo.reasons["2"] == ["starts on scene 1's last frame"]


def test_the_last_scenes_prompt_remakes_the_closing_keyframe_too():
    last = len(SCRIPT.scenes) - 1
    revised = _scene_changed(last, visual_prompt="The product on a sunlit table, close up")

    assert changed_keyframes(SCRIPT, revised) == [last, last + 1]
    assert redo_for(SCRIPT, revised).scenes == [last - 1, last]


def test_new_words_are_re_spoken_and_a_new_mood_remakes_the_music_with_its_price():
    lines = list(SCRIPT.narration)
    lines[0] = lines[0].model_copy(update={"text": "Mornings, made calm."})
    revised = SCRIPT.model_copy(update={"narration": lines, "music_mood": "dramatic"})

    redo = redo_for(SCRIPT, revised)
    quote = price_redo(revised, redo, {"clips": VEO, "music": CATALOGUE["stability-ai/stable-audio-2.5"]})

    assert (redo.scenes, redo.narration_segments, redo.music) == ([], [0], True)
    assert [line.stage for line in quote.stages if line.cost_usd > 0] == ["music"]


def test_a_one_scene_revision_is_priced_for_that_scene_alone():
    revised = _scene_changed(0, visual_prompt="A sunlit garden at dawn, steam rising from a cup")
    redo = redo_for(SCRIPT, revised)

    quote = price_redo(revised, redo, {"clips": VEO})

    assert [scene.index for scene in quote.scenes] == [0]
    assert quote.total_usd == quote.scenes[0].cost_usd > 0


def test_paid_results_carry_over_but_failure_counts_and_positional_checkpoints_do_not():
    checkpoints = {
        "take-abc": "{}", "music-def": "{}", "prediction-music-123": "p1", "image-9f": "{}",
        "prediction-speech-77:failures": "2", "scene-0": "k", "scene-0-cost": "0.1", "prediction-scene-1-part-1": "p",
    }  # fmt: skip

    assert carried_checkpoints(checkpoints) == {
        "take-abc": "{}", "music-def": "{}", "prediction-music-123": "p1", "image-9f": "{}",
    }  # fmt: skip

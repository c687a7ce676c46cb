"""Storyboard edits are checked as a new script is, and a refusal names the body's field."""

from __future__ import annotations

import pytest

from shared.request import AdRequest
from shared.script import Script
from shared.scripting.planner import plan
from shared.scripting.validation import validated
from shared.storyboard import scene_segments, summary
from shared.storyboard_edits import EditRejected, SceneEdit, apply_edits

GENERAL = AdRequest(brief="A warm 20-second spot for Brewly coffee: a sunny kitchen", duration_s=20)
PHARMA = AdRequest(
    brief="A calm spot for Claritex allergy tablets", ad_type="pharmaceutical", brand="Claritex", duration_s=40,
    side_effects="Claritex may cause drowsiness and dry mouth. Do not take it with alcohol.",
    prescribing_info_url="https://claritex.example/pi", phone="1-800-555-0199",
)  # fmt: skip


def refused(script: Script, request: AdRequest, *edits: dict[str, object]) -> EditRejected:
    with pytest.raises(EditRejected) as raised:
        apply_edits(script, request, [SceneEdit.model_validate(e) for e in edits])
    return raised.value


def test_an_edit_changes_what_it_names_and_the_result_passes_the_script_checks() -> None:
    script = plan(GENERAL)
    first, second = script.scenes[0].duration_s, script.scenes[1].duration_s

    edited = apply_edits(script, GENERAL, [
        SceneEdit(index=0, on_screen_text="  Wake up  to Brewly ", duration_s=first + 0.5),
        SceneEdit(index=1, duration_s=second - 0.5, narration=["Meet Brewly.", "Sorted."]),
        SceneEdit(index=2, visual_prompt="A steaming cup on a windowsill at dawn"),
    ]).script  # fmt: skip

    assert validated(edited, GENERAL) == edited
    assert edited.scenes[0].on_screen_text == "Wake up to Brewly"
    assert [s.duration_s for s in edited.scenes[:2]] == [first + 0.5, second - 0.5]
    lines = scene_segments(edited)
    assert [s.text for s in lines[1]] == ["Meet Brewly.", "Sorted."]
    starts = edited.scene_starts()
    # Re-timed inside their (moved) scene, one after the other.
    assert starts[1] <= lines[1][0].start_s < lines[1][0].end_s <= lines[1][1].start_s < lines[1][1].end_s
    assert lines[1][1].end_s <= starts[2]
    assert summary(edited).scenes[2].visual_prompt == "A steaming cup on a windowsill at dawn"


def test_durations_that_do_not_add_up_are_refused_naming_the_duration() -> None:
    script = plan(GENERAL)
    error = refused(script, GENERAL, {"index": 0, "on_screen_text": "ok"},
                    {"index": 2, "duration_s": script.scenes[2].duration_s + 0.5})  # fmt: skip

    assert error.field == "scenes[1].duration_s"
    assert "add up" in error.message


def test_a_scene_that_does_not_exist_or_is_edited_twice_is_refused() -> None:
    script = plan(GENERAL)

    assert refused(script, GENERAL, {"index": len(script.scenes), "on_screen_text": "x"}).field == "scenes[0].index"
    twice = refused(script, GENERAL, {"index": 1, "on_screen_text": "a"}, {"index": 1, "on_screen_text": "b"})
    assert twice.field == "scenes[1].index"


def test_a_line_too_long_for_its_scene_at_a_calm_pace_is_refused() -> None:
    script = plan(GENERAL)
    rushed = " ".join(["word"] * 40)

    error = refused(script, GENERAL, {"index": 0, "narration": ["Fine.", rushed]})
    assert error.field == "scenes[0].narration[1]"
    assert "calm pace" in error.message
    # A scene shortened under its own line: the line would be rushed, so the shortening is refused.
    shorter = refused(script, GENERAL, {"index": 0, "duration_s": script.scenes[0].duration_s - 1.5},
                      {"index": 1, "duration_s": script.scenes[1].duration_s + 1.5})  # fmt: skip
    assert shorter.field == "scenes[0].narration[0]"


def test_a_pharmaceutical_closing_keeps_its_words_timing_and_bare_screen_but_may_change_its_picture() -> None:
    script = plan(PHARMA)
    statement = next(
        k for k, segments in enumerate(scene_segments(script)) if any(s.kind == "safety" for s in segments)
    )

    for field, value in (("narration", ["No side effects at all."]), ("duration_s", 3.0), ("on_screen_text", "Hi")):
        error = refused(script, PHARMA, {"index": statement, field: value})
        assert error.field == f"scenes[0].{field}"
        assert "closing" in error.message
    repainted = apply_edits(script, PHARMA, [SceneEdit(index=statement, visual_prompt="A quiet beach at dawn")])
    assert repainted.pictures_changed == (statement,)
    assert [s for s in repainted.script.narration if s.kind != "narration"] == [
        s for s in script.narration if s.kind != "narration"
    ]  # the statement is read where and as it was


def test_the_same_check_refuses_a_script_whose_statement_was_changed() -> None:
    script = plan(PHARMA)
    altered = script.model_copy(update={"safety_text": "Claritex may cause drowsiness."})

    error = refused(altered, PHARMA, {"index": 0, "on_screen_text": "Breathe"})

    assert error.field == "scenes"
    assert "exactly as given" in error.message

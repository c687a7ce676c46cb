"""A user's storyboard edits applied to a job's script, checked as a new script is, refused naming the field.

An edit may change a scene's on-screen text, narration lines, visual prompt and duration (within the ad's
length: the durations must still add up). The lines are re-timed to their scene and must fit it at the calm
pace every line is read at. A pharmaceutical ad's closing (the major statement's scenes and the adequate-
provision end card) keeps its timing, its words and its bare screen: only its pictures may change. The
result then passes `shared.scripting.validation.validated`, the check every script writer's draft passes.
Field names follow the request body: `scenes[2].duration_s` is the third edit in the body.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from shared.request import AdRequest
from shared.script import NarrationSegment, Scene, Script
from shared.scripting.timeline import speech_window, words
from shared.scripting.validation import ScriptRejected, validated
from shared.storyboard import scene_segments

MAX_LINES_PER_SCENE = 4


class SceneEdit(BaseModel):
    """One scene's changes; fields left out stay as they are."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    index: int = Field(ge=0)
    on_screen_text: str | None = Field(default=None, max_length=120)
    narration: list[str] | None = Field(default=None, max_length=MAX_LINES_PER_SCENE)
    visual_prompt: str | None = Field(default=None, min_length=5, max_length=1200)
    duration_s: float | None = Field(default=None, gt=0, le=20)


class EditRejected(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Edited:
    script: Script
    pictures_changed: tuple[int, ...]  # scene indexes whose visual prompt changed (their keyframes are redone)


def apply_edits(script: Script, request: AdRequest, edits: list[SceneEdit]) -> Edited:
    """The edited script, validated; `EditRejected` names the first field at fault."""
    scenes = list(script.scenes)
    lines: list[list[str] | None] = [None] * len(scenes)
    closing = _closing_scenes(script)
    seen: set[int] = set()
    pictures: list[int] = []
    for position, edit in enumerate(edits):
        where = f"scenes[{position}]"
        if edit.index >= len(scenes):
            raise EditRejected(f"{where}.index", f"the storyboard has no scene {edit.index} (it has {len(scenes)})")
        if edit.index in seen:
            raise EditRejected(f"{where}.index", f"scene {edit.index} is edited twice")
        seen.add(edit.index)
        _check_closing(edit, where, locked=edit.index in closing)
        scene, changes = scenes[edit.index], _scene_changes(edit, where)
        if "visual_prompt" in changes and changes["visual_prompt"] != scene.visual_prompt:
            pictures.append(edit.index)
        scenes[edit.index] = scene.model_copy(update=changes)
        if edit.narration is not None:
            if not script.needs_narration:
                raise EditRejected(f"{where}.narration", "this ad has no voice-over (narration is false)")
            lines[edit.index] = [_line(text, f"{where}.narration[{k}]") for k, text in enumerate(edit.narration)]
    total = sum(scene.duration_s for scene in scenes)
    if abs(total - script.duration_s) > 0.05:
        last = max(p for p, e in enumerate(edits) if e.duration_s is not None)
        raise EditRejected(
            f"scenes[{last}].duration_s",
            f"the scene durations add up to {total:g}s; the ad runs {script.duration_s:g}s, so they must too",
        )
    narration = _retimed(script, scenes, lines, edits)
    edited = script.model_copy(update={"scenes": scenes, "narration": narration})
    try:
        checked = validated(edited, request)
    except ScriptRejected as exc:
        raise EditRejected(_body_field(exc.field, edits), exc.message) from exc
    return Edited(checked, tuple(pictures))


def _closing_scenes(script: Script) -> set[int]:
    """The scenes under the major statement and the end card (from the first statement page on): their timing and
    words are the regulation's, not ours."""
    closing = [segment.start_s for segment in script.narration if segment.kind != "narration"]
    if not closing and not script.end_card:
        return set()
    first = min(closing) if closing else script.duration_s - script.scenes[-1].duration_s
    starts = script.scene_starts()
    return {k for k, scene in enumerate(script.scenes) if starts[k] + scene.duration_s > first + 1e-6}


def _check_closing(edit: SceneEdit, where: str, *, locked: bool) -> None:
    if not locked:
        return
    for name, why in (
        ("narration", "the major statement and the adequate provision are read verbatim"),
        ("duration_s", "the major statement's scenes keep the time its calm reading needs"),
        ("on_screen_text", "no other text may show while the major statement or the end card is on screen"),
    ):
        if getattr(edit, name) is not None:
            raise EditRejected(f"{where}.{name}", f"scene {edit.index} is part of the closing: {why}")


def _scene_changes(edit: SceneEdit, where: str) -> dict[str, object]:
    changes: dict[str, object] = {}
    if edit.on_screen_text is not None:
        changes["on_screen_text"] = _text(edit.on_screen_text, f"{where}.on_screen_text", allow_empty=True)
    if edit.visual_prompt is not None:
        changes["visual_prompt"] = _text(edit.visual_prompt, f"{where}.visual_prompt")
    if edit.duration_s is not None:
        tenths = round(edit.duration_s * 10)
        if abs(tenths - edit.duration_s * 10) > 1e-6:
            raise EditRejected(f"{where}.duration_s", "durations are in whole tenths of a second")
        changes["duration_s"] = tenths / 10
    return changes


def _text(value: str, field: str, *, allow_empty: bool = False) -> str:
    text = " ".join(value.split())
    if any(ord(c) < 32 or 127 <= ord(c) < 160 for c in value if c not in " \t\n"):
        raise EditRejected(field, "must not contain control characters")
    if not text and not allow_empty:
        raise EditRejected(field, "must not be empty")
    return text


def _line(value: str, field: str) -> str:
    text = _text(value, field)
    if len(text) > 400:
        raise EditRejected(field, "a narration line is at most 400 characters")
    return text


def _retimed(
    script: Script, scenes: list[Scene], lines: list[list[str] | None], edits: list[SceneEdit]
) -> list[NarrationSegment]:
    """Every scene's lines placed in its (new) span: kept where neither the scene's span nor its lines changed,
    else spread evenly over the scene's speech window, each fitting its share at the calm pace."""
    old_starts, new_starts = script.scene_starts(), [0.0] * len(scenes)
    for k in range(1, len(scenes)):
        new_starts[k] = round(new_starts[k - 1] + scenes[k - 1].duration_s, 3)
    position = {edit.index: p for p, edit in enumerate(edits)}
    narration: list[NarrationSegment] = []
    for index, segments in enumerate(scene_segments(script)):
        moved = abs(old_starts[index] - new_starts[index]) > 1e-6 or scenes[index] != script.scenes[index]
        texts = lines[index]
        if texts is None and not moved:
            narration += segments
            continue
        keep = [s for s in segments if s.kind != "narration"]  # the closing's (never moved: checked above)
        spoken = texts if texts is not None else [s.text for s in segments if s.kind == "narration"]
        start, end = new_starts[index], new_starts[index] + scenes[index].duration_s
        share = (end - start) / max(1, len(spoken))
        for k, text in enumerate(spoken):
            window = speech_window(start + k * share, start + (k + 1) * share)
            if words(text) > window.word_budget():
                field = f"scenes[{position.get(index, index)}].narration[{k}]"
                seconds = window.end_s - window.start_s
                raise EditRejected(
                    field,
                    f"{words(text)} words do not fit {seconds:.1f}s at a calm pace (at most {window.word_budget()})",
                )
            narration.append(NarrationSegment(text=text, start_s=window.start_s, end_s=window.end_s))
        narration += keep
    return sorted(narration, key=lambda s: s.start_s)


def _body_field(script_field: str, edits: list[SceneEdit]) -> str:
    """A script field (`scenes.2.on_screen_text`) as the body's (`scenes[<position of scene 2's edit>]...`)."""
    parts = script_field.split(".")
    if parts[0] == "scenes" and len(parts) > 1 and parts[1].isdigit():
        index = int(parts[1])
        position = next((p for p, edit in enumerate(edits) if edit.index == index), index)
        return ".".join([f"scenes[{position}]", *parts[2:]])
    return "scenes" if script_field == "major_statement" else script_field

"""What a revision redoes, read from the previous version's script and the revised one, and what that costs.

Every paid stage checkpoints its work under a key made of the inputs that determine it, so what a new
version pays for is exactly what its inputs change. This module predicts that, for the user (the
revision's `redo` and `estimate`):

- a scene is re-rendered when its own clip's inputs change: its visual prompt or its duration;
- with chained continuity each scene starts on the previous clip's last frame, so every scene after the
  first re-rendered one is re-rendered too;
- in keyframes mode scene k opens on keyframe k, drawn from scene k's prompt, which is also scene k-1's
  last frame: a changed prompt re-makes keyframe k (and, for the last scene, the closing keyframe), so
  scene k-1 is re-rendered as well, ending on the new frame; a changed duration re-renders the scene alone;
- a narration segment is re-spoken when its words are new (a take is keyed by voice, speed and text, and a
  revision keeps the previous version's decided speeds); moved lines keep their takes;
- music is re-made when its mood changes;
- on-screen text costs nothing: the composer re-composes every version from the parts.
"""

from __future__ import annotations

from collections.abc import Mapping

from shared.providers.catalogue import Model, Usage
from shared.providers.shots import shot_durations
from shared.quote import LOCAL, Quote, SceneQuote, StageQuote, Unit
from shared.script import Script
from shared.statement import speakable
from shared.versions import Redo


def changed_keyframes(old: Script, new: Script) -> list[int]:
    """The keyframes (boundary indexes) a keyframes-mode revision re-makes."""
    remade: set[int] = set()
    last = len(new.scenes) - 1
    for k, (before, after) in enumerate(zip(old.scenes, new.scenes, strict=True)):
        if before.visual_prompt != after.visual_prompt or before.setting != after.setting:
            remade.add(k)
            if k == last:
                remade.add(k + 1)  # the closing frame is drawn from the last scene's prompt
    return sorted(remade)


def redo_for(old: Script, new: Script, *, continuity: str = "keyframes") -> Redo:
    """What the revision from `old` to `new` makes again (scenes with why, narration segments, music)."""
    reasons: dict[int, list[str]] = {}

    def because(index: int, why: str) -> None:
        reasons.setdefault(index, []).append(why)

    for k, (before, after) in enumerate(zip(old.scenes, new.scenes, strict=True)):
        if before.visual_prompt != after.visual_prompt:
            because(k, "visual_prompt")
        if abs(before.duration_s - after.duration_s) > 1e-6:
            because(k, "duration_s")
    if continuity == "chain" and reasons:
        first = min(reasons)
        for k in range(first + 1, len(new.scenes)):
            because(k, f"starts on scene {k - 1}'s last frame")
    elif continuity == "keyframes":
        for boundary in changed_keyframes(old, new):
            if 0 < boundary <= len(new.scenes):
                because(boundary - 1, f"ends on keyframe {boundary}")
            if boundary < len(new.scenes) and "visual_prompt" not in reasons.get(boundary, []):
                because(boundary, f"opens on keyframe {boundary}")
    spoken_before = {(segment.text, segment.kind) for segment in old.narration}
    segments = [k for k, segment in enumerate(new.narration) if (segment.text, segment.kind) not in spoken_before]
    return Redo(
        scenes=sorted(reasons),
        narration_segments=segments if new.needs_narration else [],
        music=old.music_mood != new.music_mood,
        reasons={str(k): why for k, why in sorted(reasons.items())},
    )


def price_redo(new: Script, redo: Redo, models: Mapping[str, Model | None], *, keyframes: int = 0) -> Quote:
    """The revision's estimate: only what it redoes, at the catalogue's prices (a local stage is free)."""
    stages: list[StageQuote] = [StageQuote(stage="script", model=LOCAL, units=0, unit="run", cost_usd=0.0)]
    if "keyframes" in models:
        stages.append(_line("keyframes", models["keyframes"], keyframes, "image", Usage(files=keyframes)))
    chars = sum(len(speakable(new.narration[k].text)) for k in redo.narration_segments)
    stages.append(_line("narration", models.get("narration"), chars, "character", Usage(chars=chars)))
    video = models.get("clips")
    scenes = [_scene(k, new.scenes[k].duration_s, video) for k in redo.scenes]
    clips_cost = round(sum(scene.cost_usd for scene in scenes), 6)
    seconds = sum(scene.seconds for scene in scenes)
    stages.append(StageQuote(stage="clips", model=video.name if video else LOCAL, units=seconds, unit="second",
                             cost_usd=clips_cost))  # fmt: skip
    runs = 1 if redo.music else 0
    stages.append(_line("music", models.get("music"), runs, "run", Usage(files=runs)))
    return Quote(total_usd=round(sum(line.cost_usd for line in stages), 6), stages=stages, scenes=scenes)


def _line(stage: str, model: Model | None, units: float, unit: Unit, usage: Usage) -> StageQuote:
    cost = model.price.cost(usage) if model is not None and units else 0.0
    name = model.name if model else LOCAL
    return StageQuote(stage=stage, model=name, units=units, unit=unit, cost_usd=round(cost, 6))


def _scene(index: int, duration_s: float, model: Model | None) -> SceneQuote:
    if model is None:
        return SceneQuote(index=index, model=LOCAL, seconds=duration_s, cost_usd=0.0)
    billed = float(sum(shot_durations(model.name, duration_s)))
    return SceneQuote(index=index, model=model.name, seconds=billed, cost_usd=model.price.cost(Usage(seconds=billed)))

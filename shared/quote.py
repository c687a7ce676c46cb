"""The quote: what a planned script will cost, per stage and per scene, from the model catalogue's price rules.

Pure: a script, the model each stage will use (None for a keyless local stage, which costs nothing) and
what writing the script cost (or an estimate of it) give a `Quote`. Units are what the provider bills:
video seconds as the model renders them (a 7.5 s scene is an 8 s Veo shot), characters spoken, one
music track, one image per keyframe. The gateway quotes with it, stores it as a job's estimate, and
shows it on the storyboard; the job's actual cost is recorded per stage by the runtime.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from pydantic import BaseModel, ConfigDict

from shared.keyframe_plan import plan_keyframes
from shared.providers.catalogue import Model, Usage
from shared.providers.shots import shot_durations
from shared.script import Script
from shared.statement import speakable

Unit = Literal["second", "image", "character", "token", "run"]
LOCAL = "local"
# Keyframes per scene boundary (N+1 for N scenes) and one hero image; in chain mode only the hero and the opening.
HERO_IMAGES = 1


class StageQuote(BaseModel):
    model_config = ConfigDict(frozen=True)

    stage: str
    model: str
    units: float
    unit: Unit
    cost_usd: float


class SceneQuote(BaseModel):
    model_config = ConfigDict(frozen=True)

    index: int
    model: str
    seconds: float
    cost_usd: float


class Quote(BaseModel):
    """The API's quote object (`POST /quotes`, a job's `estimate`, the storyboard's `quote`)."""

    model_config = ConfigDict(frozen=True)

    currency: Literal["USD"] = "USD"
    total_usd: float
    stages: list[StageQuote]
    scenes: list[SceneQuote]


def keyframe_images(script: Script, continuity: str = "keyframes") -> int:
    """The images the keyframes stage makes for `script`: the hero and each distinct shot of its plan.

    Keyframes are content-addressed, so two identical shots are one image, made and paid for once.
    """
    plan = plan_keyframes(script, brief="", continuity="chain" if continuity == "chain" else "keyframes")
    return HERO_IMAGES + len(set(plan.boundaries))


def spoken_characters(script: Script) -> int:
    """The characters a speech model is sent: every segment as the narrator reads it (digits spelled out)."""
    return sum(len(speakable(segment.text)) for segment in script.narration) if script.needs_narration else 0


def _line(stage: str, model: Model | None, units: float, unit: Unit, usage: Usage) -> StageQuote:
    cost = model.price.cost(usage) if model is not None else 0.0
    return StageQuote(stage=stage, model=model.name if model else LOCAL, units=units, unit=unit, cost_usd=cost)


def price_script(
    script: Script,
    models: Mapping[str, Model | None],
    *,
    script_cost_usd: float = 0.0,
    script_tokens: float | None = None,
    continuity: str = "keyframes",
) -> Quote:
    """The quote for rendering `script` with `models` (stage → catalogue model; None or absent: local, free).

    The script line is what writing it cost (`script_cost_usd`, one run) or, before it is written, the
    estimated `script_tokens` at the model's output rate. Keyframes are priced only when a keyframes model
    is configured; the clips line adds up the scenes' billed seconds.
    """
    stages: list[StageQuote] = []
    writer = models.get("script")
    if script_tokens is not None and writer is not None:
        stages.append(_line("script", writer, script_tokens, "token", Usage(tokens_out=script_tokens)))
    else:
        name = writer.name if writer else LOCAL
        stages.append(StageQuote(stage="script", model=name, units=1, unit="run", cost_usd=round(script_cost_usd, 6)))
    if "keyframes" in models:
        images = keyframe_images(script, continuity)
        stages.append(_line("keyframes", models["keyframes"], images, "image", Usage(files=images)))
    chars = spoken_characters(script)
    stages.append(_line("narration", models.get("narration"), chars, "character", Usage(chars=chars)))
    video = models.get("clips")
    scenes = [_scene(index, scene.duration_s, video) for index, scene in enumerate(script.scenes)]
    billed = sum(scene.seconds for scene in scenes)
    stages.append(
        StageQuote(
            stage="clips",
            model=video.name if video else LOCAL,
            units=billed,
            unit="second",
            cost_usd=round(sum(scene.cost_usd for scene in scenes), 6),
        )
    )
    stages.append(_line("music", models.get("music"), 1, "run", Usage(files=1)))
    return Quote(total_usd=round(sum(line.cost_usd for line in stages), 6), stages=stages, scenes=scenes)


def _scene(index: int, duration_s: float, model: Model | None) -> SceneQuote:
    if model is None:
        return SceneQuote(index=index, model=LOCAL, seconds=duration_s, cost_usd=0.0)
    billed = float(sum(shot_durations(model.name, duration_s)))
    return SceneQuote(index=index, model=model.name, seconds=billed, cost_usd=model.price.cost(Usage(seconds=billed)))

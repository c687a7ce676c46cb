"""The keyless script writer: a deterministic scene planner over the brief (same request, same script)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from shared.config import Settings
from shared.providers.base import CancelCheck, Checkpoints, Drafted
from shared.request import AdRequest
from shared.script import NarrationSegment, Scene, Script
from shared.scripting.brief import BriefReading, read_brief
from shared.scripting.closing import Closing, closing_for
from shared.scripting.copybook import CATEGORIES, Category
from shared.scripting.scenes import (
    PHARMA_ROLES_BY_COUNT,
    ROLES_BY_COUNT,
    WEIGHTS,
    Voice,
    lines,
    on_screen,
    visual_prompt,
)
from shared.scripting.timeline import longest_fitting, scene_durations, speech_window
from shared.statement import normalise

_SceneMaker = Callable[[int, str, float, str], Scene]


def scene_count(duration_s: float) -> int:
    return 4 if duration_s < 15 else 5 if duration_s <= 40 else 6


def pharma_scene_count(content_s: float) -> int:
    """Scenes for a pharmaceutical ad's own content (before its closing)."""
    return 2 if content_s < 9 else 3 if content_s < 16 else 4


class PlannerScriptWriter:
    """Problem → product → relief → lifestyle → end card, timed to the request's length.

    A pharmaceutical ad ends with its closing (the statement verbatim, then the provision end card), and its
    own content fills the time before it.
    """

    name = "local"

    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    async def write(self, request: AdRequest, *, checkpoints: Checkpoints, cancelled: CancelCheck) -> Drafted:
        """Costs nothing, so neither checkpoints nor cancellation matter here."""
        return Drafted(script=plan(request))


def plan(request: AdRequest) -> Script:
    reading = read_brief(request)
    cat = CATEGORIES[reading.category]
    pharma = request.ad_type == "pharmaceutical"
    seed = int.from_bytes(hashlib.sha256(request.brief.encode()).digest()[:4], "big")
    voice = Voice(
        name=reading.brand or f"our {cat.product}",
        brand_or_product=reading.brand or cat.product.title(),
        tagline=cat.taglines[seed % len(cat.taglines)],
        pharma=pharma,
    )
    closing = closing_for(request) if pharma else None
    if closing is None:
        roles = ROLES_BY_COUNT[scene_count(request.duration_s)]
        durations = scene_durations(request.duration_s, WEIGHTS[len(roles)])
    else:
        roles = PHARMA_ROLES_BY_COUNT[pharma_scene_count(closing.start_s)]
        durations = scene_durations(closing.start_s, [1.0] * len(roles))
    settings_by_role = dict(zip(("problem", "product", "relief", "lifestyle", "end"), cat.settings, strict=True))
    settings_by_role |= {"benefit": settings_by_role["product"], "statement": settings_by_role["lifestyle"]}

    def scene(index: int, role: str, duration_s: float, text: str) -> Scene:
        prompt = visual_prompt(role, cat, brand=reading.brand, mood=reading.mood, aspect_ratio=request.aspect_ratio,
                               setting=settings_by_role[role])  # fmt: skip
        return Scene(index=index, duration_s=duration_s, visual_prompt=prompt, on_screen_text=text,
                     setting=settings_by_role[role])  # fmt: skip

    scenes = [scene(i, role, durations[i], on_screen(role, cat, voice)) for i, role in enumerate(roles)]
    narration = _narration(scenes, roles, cat, voice) if request.narration else []
    if closing is not None:
        scenes += _closing_scenes(closing, len(scenes), scene)
        narration += closing.segments
    return Script(
        title=_title(reading, cat.product, request.duration_s),
        brand=reading.brand,
        ad_type=request.ad_type,
        aspect_ratio=request.aspect_ratio,
        resolution=request.resolution,
        duration_s=request.duration_s,
        scenes=scenes,
        narration=narration,
        safety_text=normalise(request.side_effects) if closing is not None and request.side_effects else "",
        end_card=list(closing.end_card.card) if closing is not None else [],
        music_mood=reading.music_mood,
        needs_narration=request.narration,
    )


def _closing_scenes(closing: Closing, first: int, scene: _SceneMaker) -> list[Scene]:
    """Calm scenes with no text of their own under the statement, then the end card's backdrop."""
    spans = [*closing.statement_scenes_s, closing.end_card_s]
    roles = ["statement"] * len(closing.statement_scenes_s) + ["end"]
    return [scene(first + k, role, span, "") for k, (role, span) in enumerate(zip(roles, spans, strict=True))]


def _narration(scenes: list[Scene], roles: tuple[str, ...], cat: Category, voice: Voice) -> list[NarrationSegment]:
    segments: list[NarrationSegment] = []
    start = 0.0
    for scene, role in zip(scenes, roles, strict=False):
        window = speech_window(start, start + scene.duration_s)
        start += scene.duration_s
        line = longest_fitting(lines(role, cat, voice), window.word_budget())
        if line:
            segments.append(NarrationSegment(text=line, start_s=window.start_s, end_s=window.end_s))
    return segments


def _title(reading: BriefReading, product: str, duration_s: int) -> str:
    return f"{reading.brand or product.title()} — {duration_s}s {reading.mood} spot"

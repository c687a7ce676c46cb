"""The keyless script writer: a deterministic scene planner over the brief (same request, same script)."""

from __future__ import annotations

import hashlib

from services.script.brief import BriefReading, read_brief
from services.script.copybook import CATEGORIES, Category
from services.script.scenes import (
    ROLES_BY_COUNT,
    SAFETY_SCENES,
    WEIGHTS,
    Voice,
    lines,
    on_screen,
    visual_prompt,
)
from services.script.timeline import (
    SAFETY_SPEED,
    longest_fitting,
    scene_durations,
    shorten_disclosure,
    speech_window,
)
from shared.config import Settings
from shared.providers.base import CancelCheck, Checkpoints, Drafted
from shared.request import AdRequest
from shared.script import NarrationSegment, Scene, Script


def scene_count(duration_s: float) -> int:
    return 4 if duration_s < 15 else 5 if duration_s <= 40 else 6


class PlannerScriptWriter:
    """Problem → product → relief → lifestyle → end card, timed to the request's length."""

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
    count = scene_count(request.duration_s)
    roles = ROLES_BY_COUNT[count]
    durations = scene_durations(request.duration_s, WEIGHTS[(request.ad_type, count)])
    settings_by_role = dict(zip(("problem", "product", "relief", "lifestyle", "end"), cat.settings, strict=True))
    settings_by_role["benefit"] = settings_by_role["product"]
    scenes = [
        Scene(
            index=i,
            duration_s=durations[i],
            visual_prompt=visual_prompt(
                role,
                cat,
                brand=reading.brand,
                mood=reading.mood,
                aspect_ratio=request.aspect_ratio,
                setting=settings_by_role[role],
            ),
            on_screen_text=on_screen(role, cat, voice),
            setting=settings_by_role[role],
        )
        for i, role in enumerate(roles)
    ]
    spoken_scenes = count - SAFETY_SCENES[count] if pharma else count
    narration = _narration(scenes[:spoken_scenes], roles, cat, voice) if request.narration else []
    if pharma and request.narration and request.side_effects:
        narration.append(_safety_segment(request.side_effects, sum(durations[:spoken_scenes]), request.duration_s))
    return Script(
        title=_title(reading, cat.product, request.duration_s),
        brand=reading.brand,
        ad_type=request.ad_type,
        aspect_ratio=request.aspect_ratio,
        resolution=request.resolution,
        duration_s=request.duration_s,
        scenes=scenes,
        narration=narration,
        safety_text=" ".join(request.side_effects.split()) if pharma and request.side_effects else "",
        music_mood=reading.music_mood,
        needs_narration=request.narration,
    )


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


def _safety_segment(side_effects: str, start_s: float, end_s: float) -> NarrationSegment:
    window = speech_window(start_s, end_s)
    text = shorten_disclosure(side_effects, window.word_budget(SAFETY_SPEED))
    return NarrationSegment(text=text, start_s=window.start_s, end_s=window.end_s, kind="safety", speed=SAFETY_SPEED)


def _title(reading: BriefReading, product: str, duration_s: int) -> str:
    return f"{reading.brand or product.title()} — {duration_s}s {reading.mood} spot"

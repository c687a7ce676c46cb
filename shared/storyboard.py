"""A script seen scene by scene, as a user reviews it: each scene's duration, picture, on-screen text and lines.

Narration segments carry absolute windows; a line belongs to the scene its window starts in. The major
statement's pages and the adequate-provision line (pharmaceutical ads) belong to the closing scenes, which a
user sees but cannot edit (`shared.storyboard_edits` enforces it).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from shared.script import NarrationSegment, Script


class SceneSummary(BaseModel):
    model_config = ConfigDict(frozen=True)

    index: int
    duration_s: float
    visual_prompt: str
    on_screen_text: str
    narration: list[str]


class ScriptSummary(BaseModel):
    """The planned script as the quote shows it."""

    model_config = ConfigDict(frozen=True)

    title: str
    duration_s: float
    scenes: list[SceneSummary]
    major_statement: str | None


def scene_segments(script: Script) -> list[list[NarrationSegment]]:
    """Each scene's narration segments, in order (a segment belongs to the scene its window starts in)."""
    starts = script.scene_starts()
    by_scene: list[list[NarrationSegment]] = [[] for _ in script.scenes]
    for segment in script.narration:
        index = max((k for k, start in enumerate(starts) if start <= segment.start_s + 1e-6), default=0)
        by_scene[index].append(segment)
    return by_scene


def scene_summaries(script: Script) -> list[SceneSummary]:
    return [
        SceneSummary(
            index=scene.index,
            duration_s=scene.duration_s,
            visual_prompt=scene.visual_prompt,
            on_screen_text=scene.on_screen_text,
            narration=[segment.text for segment in segments],
        )
        for scene, segments in zip(script.scenes, scene_segments(script), strict=True)
    ]


def summary(script: Script) -> ScriptSummary:
    return ScriptSummary(
        title=script.title,
        duration_s=script.duration_s,
        scenes=scene_summaries(script),
        major_statement=script.safety_text or None,
    )

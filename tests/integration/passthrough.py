"""Pass-through stage handlers: each announces its completion with a plausible payload and no media.

They let the event chain `job.submitted → … → job.completed` run through the real queues and topic.
"""

from __future__ import annotations

from shared.events import Event
from shared.payloads import (
    ClipsCompletedPayload,
    JobCompletedPayload,
    KeyframesCompletedPayload,
    MusicCompletedPayload,
    NarrationCompletedPayload,
    SceneCompletedPayload,
    ScriptCompletedPayload,
)
from shared.stage import Handler, Plan, StageContext, StageResult, UnitsHandler


def _key(ctx: StageContext, name: str) -> str:
    return f"users/{ctx.job.user_id}/jobs/{ctx.job.job_id}/{name}"


async def script(event: Event, ctx: StageContext) -> StageResult:
    return StageResult(
        "script.completed",
        ScriptCompletedPayload(
            script_key=_key(ctx, "script/script.json"), duration_s=30, scene_count=4, needs_narration=True
        ),
    )


async def keyframes(event: Event, ctx: StageContext) -> StageResult:
    keys = [_key(ctx, f"keyframes/kf-{k:02d}.png") for k in range(3)]  # two scenes: three boundaries
    return StageResult(
        "keyframes.completed",
        KeyframesCompletedPayload(hero_key=_key(ctx, "keyframes/hero.png"), keyframe_keys=keys),
    )


async def narration(event: Event, ctx: StageContext) -> StageResult:
    return StageResult(
        "narration.completed",
        NarrationCompletedPayload(
            audio_key=_key(ctx, "audio/n.mp3"), timings_key=_key(ctx, "audio/t.json"), duration_s=30
        ),
    )


async def _two_scenes(event: Event, ctx: StageContext) -> Plan:
    return Plan(units=2)


async def _scene(index: int, ctx: StageContext) -> StageResult:
    key = _key(ctx, f"clips/{index}.mp4")
    return StageResult(
        "scene.completed", SceneCompletedPayload(index=index, clip_key=key, thumbnail_key=key, duration_s=15)
    )


async def _clips_joined(ctx: StageContext) -> StageResult:
    scenes = [ctx.job.unit_output("clips", i, SceneCompletedPayload) for i in range(2)]
    keys = [scene.clip_key for scene in scenes if scene is not None]
    return StageResult("clips.completed", ClipsCompletedPayload(clip_keys=keys, duration_s=30))


# Clips fan out: two scenes, each its own message, joined in the ledger.
clips = UnitsHandler(plan=_two_scenes, run=_scene, join=_clips_joined)


async def music(event: Event, ctx: StageContext) -> StageResult:
    return StageResult("music.completed", MusicCompletedPayload(audio_key=_key(ctx, "audio/m.mp3"), duration_s=30))


async def composer(event: Event, ctx: StageContext) -> StageResult:
    return StageResult("job.completed", JobCompletedPayload(video_key=_key(ctx, "final/ad.mp4"), duration_s=30))


HANDLERS: dict[str, Handler | UnitsHandler] = {
    "script": script,
    "keyframes": keyframes,
    "narration": narration,
    "clips": clips,
    "music": music,
    "composer": composer,
}

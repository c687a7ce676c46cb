"""Pass-through stage handlers: each announces its completion with a plausible payload and no media.

They let the event chain `job.submitted → … → job.completed` run through the real queues and topic.
"""

from __future__ import annotations

from shared.events import (
    ClipsCompletedPayload,
    Event,
    JobCompletedPayload,
    MusicCompletedPayload,
    NarrationCompletedPayload,
    ScriptCompletedPayload,
)
from shared.stage import Handler, StageContext, StageResult


def _key(ctx: StageContext, name: str) -> str:
    return f"users/{ctx.job.user_id}/jobs/{ctx.job.job_id}/{name}"


async def script(event: Event, ctx: StageContext) -> StageResult:
    return StageResult(
        "script.completed",
        ScriptCompletedPayload(
            script_key=_key(ctx, "script/script.json"), duration_s=30, scene_count=4, needs_narration=True
        ),
    )


async def narration(event: Event, ctx: StageContext) -> StageResult:
    return StageResult(
        "narration.completed",
        NarrationCompletedPayload(
            audio_key=_key(ctx, "audio/n.mp3"), timings_key=_key(ctx, "audio/t.json"), duration_s=30
        ),
    )


async def clips(event: Event, ctx: StageContext) -> StageResult:
    return StageResult("clips.completed", ClipsCompletedPayload(clip_keys=[_key(ctx, "clips/0.mp4")], duration_s=30))


async def music(event: Event, ctx: StageContext) -> StageResult:
    return StageResult("music.completed", MusicCompletedPayload(audio_key=_key(ctx, "audio/m.mp3"), duration_s=30))


async def composer(event: Event, ctx: StageContext) -> StageResult:
    return StageResult("job.completed", JobCompletedPayload(video_key=_key(ctx, "final/ad.mp4"), duration_s=30))


HANDLERS: dict[str, Handler] = {
    "script": script,
    "narration": narration,
    "clips": clips,
    "music": music,
    "composer": composer,
}

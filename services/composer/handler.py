"""Composer stage: gathers the parts (script, clips, music, narration if any) and publishes the finished ad.

The runtime claims this stage only once narration, clips and music are done, so every input is there.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from services.composer.captions import to_webvtt
from services.composer.compose import compose, encoding_for
from shared.config import Settings
from shared.events import (
    ClipsCompletedPayload,
    Event,
    JobCompletedPayload,
    MusicCompletedPayload,
    NarrationCompletedPayload,
)
from shared.script import NarrationTrack
from shared.stage import Handler, StageContext, StageResult
from shared.storage import asset_key


async def _download_parts(
    ctx: StageContext, spoken: NarrationCompletedPayload | None
) -> tuple[list[Path], Path, Path | None]:
    clip_keys = ctx.output_of("clips", ClipsCompletedPayload).clip_keys
    workdir = ctx.workdir
    clips = await asyncio.gather(
        *(ctx.storage.download_file(key, workdir / f"clip-{n:02d}.mp4") for n, key in enumerate(clip_keys))
    )
    music_key = ctx.output_of("music", MusicCompletedPayload).audio_key
    music = await ctx.storage.download_file(music_key, workdir / f"music{Path(music_key).suffix}")
    narration = None
    if spoken is not None:
        suffix = Path(spoken.audio_key).suffix
        narration = await ctx.storage.download_file(spoken.audio_key, workdir / f"narration{suffix}")
    return list(clips), music, narration


def build_handler(settings: Settings) -> Handler:
    async def handle(event: Event, ctx: StageContext) -> StageResult:
        job = ctx.job
        script = await ctx.read_script()
        spoken = ctx.output_if("narration", NarrationCompletedPayload)  # None when narration was skipped
        clips, music, narration = await _download_parts(ctx, spoken)
        await ctx.raise_if_cancelled()
        result = await compose(
            script,
            clips=clips,
            music=music,
            narration=narration,
            target_lufs=job.request.loudness_lufs,
            encoding=encoding_for(script, fps=settings.fps, preset=settings.video_preset, crf=settings.video_crf),
            workdir=ctx.workdir,
            timeout_factor=settings.ffmpeg_timeout_factor,
        )
        video_key = asset_key(job.user_id, job.job_id, "final", "ad.mp4")
        thumbnail_key = asset_key(job.user_id, job.job_id, "thumbnails", "ad.jpg")
        await ctx.storage.upload_file(result.video, video_key)
        await ctx.storage.upload_file(result.thumbnail, thumbnail_key)
        captions_key = None
        if spoken is not None:
            track = NarrationTrack.model_validate_json(await ctx.storage.read_bytes(spoken.timings_key))
            captions_key = asset_key(job.user_id, job.job_id, "captions", "ad.vtt")
            await ctx.storage.upload_bytes(to_webvtt(track).encode(), captions_key)
        payload = JobCompletedPayload(
            video_key=video_key, captions_key=captions_key, thumbnail_key=thumbnail_key, duration_s=script.duration_s
        )
        return StageResult("job.completed", payload)

    return handle

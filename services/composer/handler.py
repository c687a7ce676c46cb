"""Composer stage: gathers the parts (script, clips, music, narration if any) and publishes the finished ad.

Beside `final/ad.mp4` (under `v{n}/` for a version after the first) it stores the stems as mixed
(`final/stem-voice.flac`, `final/stem-music.flac`) and the compliance report measured on them and on the
video (`final/compliance.json`).

The runtime claims this stage only once narration, clips and music are done, so every input is there.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from services.composer.brand_files import load_brand
from services.composer.captions import to_webvtt
from services.composer.checking import ad_under_test, check_and_store
from services.composer.compose import compose, encoding_for
from shared.config import Settings
from shared.events import Event
from shared.payloads import ClipsCompletedPayload, JobCompletedPayload, MusicCompletedPayload, NarrationCompletedPayload
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
        encoding = encoding_for(script, fps=settings.fps, preset=settings.video_preset, crf=settings.video_crf)
        track = None
        if spoken is not None:  # the statement's pages follow the words as actually spoken
            track = NarrationTrack.model_validate_json(await ctx.storage.read_bytes(spoken.timings_key))
        result = await compose(
            script,
            clips=clips,
            music=music,
            narration=narration,
            target_lufs=job.request.loudness_lufs,
            encoding=encoding,
            workdir=ctx.workdir,
            timeout_factor=settings.ffmpeg_timeout_factor,
            track=track,
            brand=await load_brand(ctx),
        )
        version = job.version  # each version keeps its own outputs (version 1 keeps the plain keys)
        video_key = asset_key(job.user_id, job.job_id, "final", "ad.mp4", version=version)
        thumbnail_key = asset_key(job.user_id, job.job_id, "thumbnails", "ad.jpg", version=version)
        await ctx.storage.upload_file(result.video, video_key)
        await ctx.storage.upload_file(result.thumbnail, thumbnail_key)
        for stem in (result.stems.voice, result.stems.music):  # what the report's audio margins were measured on
            if stem.exists():
                stem_key = asset_key(job.user_id, job.job_id, "final", f"stem-{stem.name}", version=version)
                await ctx.storage.upload_file(stem, stem_key)
        captions_key, vtt = None, None
        if track is not None:
            captions_key = asset_key(job.user_id, job.job_id, "captions", "ad.vtt", version=version)
            vtt = to_webvtt(track)
            await ctx.storage.upload_bytes(vtt.encode(), captions_key)
        ad = ad_under_test(job.request, script, result, size=encoding.size, fps=encoding.fps, track=track,
                           captions_vtt=vtt)  # fmt: skip
        report, report_key = await check_and_store(
            ctx, ad, compose_s=result.elapsed_s, timeout_s=settings.ffmpeg_timeout_factor * script.duration_s + 60
        )
        payload = JobCompletedPayload(
            video_key=video_key, captions_key=captions_key, thumbnail_key=thumbnail_key, duration_s=script.duration_s,
            compliance_key=report_key, compliance=report.summary(report_key),
        )  # fmt: skip
        return StageResult("job.completed", payload)

    return handle

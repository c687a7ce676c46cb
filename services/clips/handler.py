"""Clips stage: one scene per unit of work, so one job's scenes render on as many clips workers as run.

The runtime (`shared.fanout`) does the fan-out and the join; this is the stage's part of it:
- `plan`: one unit per scene of the script; sequential in `chain` continuity (each scene opens on the
  previous one's last frame), all at once in `keyframes` continuity;
- `run`: one scene, between its frames (`services.clips.continuity`). The clip is stored under a content
  address, a digest of everything that determines it (the clip maker, prompt, setting, duration, frame
  size, fps and the frames' own digests), so a redelivery, a retry or a later version asking for the
  same scene finds it stored and pays nothing; a changed input is a new address and is rendered;
- `join`: the scenes' clips in order, as `clips.completed`.
"""

from __future__ import annotations

import hashlib

from services.clips.continuity import Frames, brand_look, look_parts, scene_frames
from services.clips.frames import extract_thumbnail
from shared.config import Settings
from shared.errors import PermanentError
from shared.events import Event
from shared.payloads import ClipsCompletedPayload, SceneCompletedPayload
from shared.providers.base import NO_LOOK, ClipMaker, Look
from shared.script import Scene, Script
from shared.stage import Plan, StageContext, StageResult, UnitsHandler
from shared.storage import asset_key


def content_address(maker: str, scene: Scene, script: Script, fps: int, frames: Frames, *, look: Look = NO_LOOK) -> str:
    """A digest of every input that determines a scene's clip (narration and on-screen text do not)."""
    start, end = frames.digests()
    parts = [
        maker, scene.visual_prompt, script.style_notes or "", scene.setting, str(scene.index),
        f"{scene.duration_s:.3f}", script.aspect_ratio, script.resolution, str(fps), start, end, *look_parts(look),
    ]  # fmt: skip
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:20]


def build_handler(settings: Settings, maker: ClipMaker) -> UnitsHandler:
    """The stage logic around the clip maker `__main__` selected (tests pass their own)."""

    async def plan(event: Event, ctx: StageContext) -> Plan:
        script = await ctx.read_script()
        return Plan(units=len(script.scenes), sequential=ctx.job.request.continuity == "chain")

    async def run(index: int, ctx: StageContext) -> StageResult:
        script = await ctx.read_script()
        scene = script.scenes[index]
        frames = await scene_frames(ctx, index)
        look = await brand_look(ctx, frames)
        name = f"scene-{index:02d}-{content_address(maker.name, scene, script, settings.fps, frames, look=look)}"
        clip_key = asset_key(ctx.job.user_id, ctx.job.job_id, "clips", f"{name}.mp4")
        thumbnail_key = asset_key(ctx.job.user_id, ctx.job.job_id, "thumbnails", f"{name}.jpg")
        done = SceneCompletedPayload(
            index=index, clip_key=clip_key, thumbnail_key=thumbnail_key, duration_s=scene.duration_s
        )
        if await ctx.storage.exists(clip_key):  # rendered before with the very same inputs
            ctx.log.info("clips.scene_reused", scene=index, clip_key=clip_key)
            return StageResult("scene.completed", done)
        await ctx.raise_if_cancelled()
        clip = ctx.workdir / f"{name}.mp4"
        rendered = await maker.make_clip(
            scene, script, start_frame=frames.start, end_frame=frames.end, out=clip,
            checkpoints=ctx.checkpoints, cancelled=ctx.cancelled, look=look,
        )  # fmt: skip
        thumbnail = await extract_thumbnail(clip, ctx.workdir / f"{name}.jpg", at_s=scene.duration_s / 2)
        await ctx.storage.upload_file(thumbnail, thumbnail_key)
        await ctx.storage.upload_file(clip, clip_key)  # last: a stored clip means a finished scene
        return StageResult("scene.completed", done, cost_usd=rendered.cost_usd)

    async def join(ctx: StageContext) -> StageResult:
        script = await ctx.read_script()
        scenes = [ctx.job.unit_output("clips", s.index, SceneCompletedPayload) for s in script.scenes]
        done = [s for s in scenes if s is not None]
        if len(done) != len(scenes):
            raise PermanentError("the clips stage was joined with scenes missing")
        payload = ClipsCompletedPayload(
            clip_keys=[s.clip_key for s in done],
            thumbnail_keys=[s.thumbnail_key for s in done],
            duration_s=script.duration_s,
        )
        return StageResult("clips.completed", payload)

    return UnitsHandler(plan=plan, run=run, join=join)

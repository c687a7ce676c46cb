"""Clips stage: one clip per scene, in order, each opening on the previous scene's last frame.

A scene counts as done once its clip and thumbnail are uploaded and checkpoint `scene-{i}` holds the
clip key; a redelivered message skips done scenes and takes the start image from the last stored clip.
"""

from __future__ import annotations

from pathlib import Path

from services.clips.frames import extract_last_frame, extract_thumbnail
from shared.config import Settings
from shared.events import ClipsCompletedPayload, Event
from shared.providers.base import ClipMaker
from shared.script import Scene, Script
from shared.stage import Handler, StageContext, StageResult
from shared.storage import asset_key


class _SceneRun:
    """Renders the scenes that are not done yet, carrying the start frame from one scene to the next."""

    def __init__(self, maker: ClipMaker, script: Script, ctx: StageContext) -> None:
        self._maker, self._script, self._ctx = maker, script, ctx
        self._start_frame: Path | None = None
        self._resume_from_key: str | None = None

    def key(self, kind: str, scene: Scene) -> str:
        if kind == "clips":
            return asset_key(self._ctx.job.user_id, self._ctx.job.job_id, "clips", f"scene-{scene.index:02d}.mp4")
        return asset_key(self._ctx.job.user_id, self._ctx.job.job_id, "thumbnails", f"scene-{scene.index:02d}.jpg")

    def skip(self, scene: Scene, clip_key: str) -> float:
        """A finished scene: remember its clip as the place to resume from; return what it cost."""
        self._start_frame, self._resume_from_key = None, clip_key
        return float(self._ctx.checkpoints.get(f"scene-{scene.index}-cost") or 0.0)

    async def render(self, scene: Scene) -> float:
        ctx, workdir = self._ctx, self._ctx.workdir
        if self._start_frame is None and self._resume_from_key is not None:
            previous = await ctx.storage.download_file(self._resume_from_key, workdir / "resume-from.mp4")
            self._start_frame = await extract_last_frame(previous, workdir / "resume-from-last.png")
        clip = workdir / f"scene-{scene.index:02d}.mp4"
        rendered = await self._maker.make_clip(
            scene, self._script, start_frame=self._start_frame, out=clip,
            checkpoints=ctx.checkpoints, cancelled=ctx.cancelled,
        )  # fmt: skip
        thumbnail = await extract_thumbnail(clip, workdir / f"scene-{scene.index:02d}.jpg", at_s=scene.duration_s / 2)
        await ctx.storage.upload_file(clip, self.key("clips", scene))
        await ctx.storage.upload_file(thumbnail, self.key("thumbnails", scene))
        await ctx.checkpoints.put(f"scene-{scene.index}-cost", f"{rendered.cost_usd:.6f}")
        await ctx.checkpoints.put(f"scene-{scene.index}", self.key("clips", scene))
        self._start_frame = await extract_last_frame(clip, workdir / f"scene-{scene.index:02d}-last.png")
        return rendered.cost_usd


def build_handler(settings: Settings, maker: ClipMaker) -> Handler:
    """The handler around the clip maker `__main__` selected (tests pass their own)."""

    async def handle(event: Event, ctx: StageContext) -> StageResult:
        script = await ctx.read_script()
        run = _SceneRun(maker, script, ctx)
        cost_usd = 0.0
        for scene in script.scenes:
            await ctx.raise_if_cancelled()
            done_key = ctx.checkpoints.get(f"scene-{scene.index}")
            cost_usd += run.skip(scene, done_key) if done_key else await run.render(scene)
        payload = ClipsCompletedPayload(
            clip_keys=[run.key("clips", s) for s in script.scenes],
            thumbnail_keys=[run.key("thumbnails", s) for s in script.scenes],
            duration_s=script.duration_s,
        )
        return StageResult("clips.completed", payload, cost_usd=round(cost_usd, 6))

    return handle

"""Keyframes stage: the hero image of the ad's subject, then the scene-boundary frames made from it.

Every image is content-addressed: its checkpoint key is a digest of the model, the shot and the
reference images' bytes, and the S3 key carries that digest. A redelivery, a resume or a new version
with the same inputs finds the image already made and pays nothing; a changed input makes a new one.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Awaitable, Iterable
from dataclasses import asdict
from pathlib import Path
from typing import TypeVar

from shared.assets import fetch_ready_asset
from shared.config import Settings
from shared.events import Event
from shared.keyframe_plan import plan_keyframes
from shared.payloads import KeyframesCompletedPayload
from shared.providers.base import KeyframeMaker, KeyframeShot
from shared.request import Continuity
from shared.stage import Handler, StageContext, StageResult
from shared.storage import asset_key

T = TypeVar("T")


async def all_or_none(jobs: Iterable[Awaitable[T]]) -> list[T]:
    """Runs the awaitables at once, in order of results; the first failure cancels the rest (nothing keeps
    paying for a stage that has already failed) and is raised as itself, for the runtime to classify."""
    tasks = [asyncio.ensure_future(job) for job in jobs]
    try:
        return list(await asyncio.gather(*tasks))
    except BaseException:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise


def image_digest(model: str, shot: KeyframeShot, references: list[Path]) -> str:
    """What determines an image: the model, everything the shot says, and the references' content."""
    hashed = hashlib.sha256(json.dumps({"model": model, "shot": asdict(shot)}, sort_keys=True).encode())
    for reference in references:
        hashed.update(hashlib.sha256(reference.read_bytes()).digest())
    return hashed.hexdigest()


class _Images:
    """Makes (or finds already made) one image at a time, keeping the local copies the next ones need."""

    def __init__(self, maker: KeyframeMaker, ctx: StageContext, photos: list[Path]) -> None:
        self._maker, self._ctx, self._photos = maker, ctx, photos
        self.cost_usd = 0.0

    async def make(self, shot: KeyframeShot, name: str, hero: Path | None) -> tuple[str, Path]:
        ctx = self._ctx
        await ctx.raise_if_cancelled()
        digest = image_digest(self._maker.model, shot, [*self._photos, *([hero] if hero else [])])
        checkpoint = f"image-{digest[:32]}"
        local = ctx.workdir / f"{name}-{digest[:12]}.png"
        done = ctx.checkpoints.get(checkpoint)
        if done:
            stored = json.loads(done)
            if stored.get("version", 1) == ctx.job.version:  # paid by this version (an earlier attempt of it)
                self.cost_usd += float(stored["cost_usd"])
            return stored["key"], await ctx.storage.download_file(stored["key"], local)
        made = await self._maker.make_keyframe(
            shot, product_photos=self._photos, hero=hero, out=local, checkpoints=ctx.checkpoints,
            checkpoint_key=f"prediction-{digest[:32]}", cancelled=ctx.cancelled,
        )  # fmt: skip
        key = asset_key(ctx.job.user_id, ctx.job.job_id, "keyframes", f"{name}-{digest[:12]}.png")
        await ctx.storage.upload_file(local, key)
        paid = {"key": key, "cost_usd": round(made.cost_usd, 6), "version": ctx.job.version}
        await ctx.checkpoints.put(checkpoint, json.dumps(paid))
        self.cost_usd += made.cost_usd
        return key, local


def build_handler(settings: Settings, maker: KeyframeMaker) -> Handler:
    """The handler around the keyframe maker `__main__` selected (tests pass their own)."""

    async def handle(event: Event, ctx: StageContext) -> StageResult:
        script = await ctx.read_script()
        request = ctx.job.request
        continuity: Continuity = request.continuity
        plan = plan_keyframes(script, brief=request.brief, continuity=continuity, colours=request.brand_colours)
        photos = [
            await fetch_ready_asset(ctx.storage, ctx.job.user_id, asset_id, ctx.workdir, f"product-{n}")
            for n, asset_id in enumerate(request.product_photos)
        ]
        images = _Images(maker, ctx, photos=photos)
        hero_key, hero = await images.make(plan.hero, "hero", None)
        # Every boundary is made from the hero, none from another: at once, they take one image's time.
        made = await all_or_none(images.make(shot, f"kf-{k:02d}", hero) for k, shot in enumerate(plan.boundaries))
        keys = [key for key, _ in made]
        ctx.log.info("keyframes.made", provider=maker.name, count=len(keys) + 1, continuity=continuity)
        payload = KeyframesCompletedPayload(hero_key=hero_key, keyframe_keys=keys, continuity=continuity)
        return StageResult("keyframes.completed", payload, cost_usd=round(images.cost_usd, 6))

    return handle

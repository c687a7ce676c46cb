"""Where a scene's first and last frames come from, by the job's continuity mode.

- `keyframes` (the default): every scene is bounded by the keyframes stage's stills: scene k opens on
  keyframe k and closes on keyframe k+1, so neighbouring scenes share the frame at their cut, and every
  scene can render at once. Without keyframes (none were made) a scene has no frames to start from.
- `chain` (the seed's method): scene k+1 opens on the last frame of scene k's stored clip, so the scenes
  render one after another; scene 0 opens on the first keyframe when there is one.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from services.clips.frames import extract_last_frame
from shared.assets import fetch_ready_asset
from shared.payloads import KeyframesCompletedPayload, SceneCompletedPayload
from shared.providers.base import NO_LOOK, Look
from shared.stage import StageContext


@dataclass(frozen=True)
class Frames:
    start: Path | None = None
    end: Path | None = None

    def digests(self) -> tuple[str, str]:
        """Content digests of the two frames ("" for none): part of the clip's content address."""
        return _digest(self.start), _digest(self.end)


def _digest(path: Path | None) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path is not None else ""


def keyframe_keys(ctx: StageContext) -> list[str]:
    """The keyframes stage's boundary stills (N+1 for N scenes; one in chain mode), when it made any."""
    made = ctx.output_if("keyframes", KeyframesCompletedPayload)
    return list(made.keyframe_keys) if made is not None else []


async def scene_frames(ctx: StageContext, index: int) -> Frames:
    keys = keyframe_keys(ctx)
    workdir = ctx.workdir
    if ctx.job.request.continuity == "chain":
        if index == 0:
            return Frames(start=await _download(ctx, keys[0], workdir / "start.png") if keys else None)
        previous = ctx.job.unit_output("clips", index - 1, SceneCompletedPayload)
        if previous is None:  # the runtime requests scene k+1 only once scene k is done
            raise RuntimeError(f"scene {index} was requested before scene {index - 1} was done")
        clip = await ctx.storage.download_file(previous.clip_key, workdir / "previous.mp4")
        return Frames(start=await extract_last_frame(clip, workdir / "previous-last.png"))
    if len(keys) < index + 2:
        return Frames()
    return Frames(
        start=await _download(ctx, keys[index], workdir / "start.png"),
        end=await _download(ctx, keys[index + 1], workdir / "end.png"),
    )


async def brand_look(ctx: StageContext, frames: Frames) -> Look:
    """The brand's look for a scene missing a frame (a keyless maker draws it); none when both are given."""
    request = ctx.job.request
    if frames.end is not None:
        return NO_LOOK
    photo = None
    if request.product_photos:
        photo = await fetch_ready_asset(ctx.storage, ctx.job.user_id, request.product_photos[0], ctx.workdir, "product")
    return Look(colours=request.brand_colours, product_photo=photo)


def look_parts(look: Look) -> list[str]:
    """The look's share of a clip's content address: nothing for no look, so unbranded addresses stay as they were."""
    if look == NO_LOOK:
        return []
    return [",".join(look.colours), _digest(look.product_photo)]


async def _download(ctx: StageContext, key: str, path: Path) -> Path:
    return await ctx.storage.download_file(key, path)

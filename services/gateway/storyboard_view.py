"""A job's storyboard as the API shows it: its stored script scene by scene, priced, with keyframes and thumbnails."""

from __future__ import annotations

from datetime import UTC, datetime

from services.gateway.pricing import price_stored
from services.gateway.schemas import StoryboardScene, StoryboardView
from shared.config import Settings
from shared.job import Job
from shared.payloads import ClipsCompletedPayload, KeyframesCompletedPayload, ScriptCompletedPayload
from shared.script import Script
from shared.storage import Storage
from shared.storyboard import scene_summaries


def editable(job: Job) -> bool:
    """Only a review job waiting at its gate may be edited (not while keyframes are redone, nor once approved)."""
    return job.gate_closed and job.status == "awaiting_approval"


async def stored_script(job: Job, storage: Storage) -> Script | None:
    """The script the job will be rendered from: the one its script stage's completion points at."""
    written = job.output("script", ScriptCompletedPayload)
    if written is None:
        return None
    return Script.model_validate_json(await storage.read_bytes(written.script_key))


def expires_at(job: Job, settings: Settings) -> str | None:
    if not editable(job) or job.awaiting_since is None:
        return None
    moment = datetime.fromtimestamp(job.awaiting_since + settings.review_expiry_s, UTC)
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def _frame_keys(job: Job) -> tuple[list[str], list[str]]:
    """Each scene's first keyframe (the keyframes stage's `keyframe_keys`) and its clip's thumbnail, where made."""
    keyframes = job.output("keyframes", KeyframesCompletedPayload)
    keyframe_keys = list(keyframes.keyframe_keys) if keyframes else []
    clips = job.output("clips", ClipsCompletedPayload)
    return keyframe_keys, list(clips.thumbnail_keys) if clips else []


async def storyboard_view(job: Job, script: Script, storage: Storage, settings: Settings) -> StoryboardView:
    keyframe_keys, thumbnail_keys = _frame_keys(job)
    ttl = settings.presign_ttl_s

    async def link(keys: list[str], index: int) -> str | None:
        return await storage.presign_get(keys[index], ttl_s=ttl) if index < len(keys) else None

    scenes = [
        StoryboardScene(
            **summary.model_dump(),
            keyframe_url=await link(keyframe_keys, summary.index),
            thumbnail_url=await link(thumbnail_keys, summary.index),
        )
        for summary in scene_summaries(script)
    ]
    return StoryboardView(
        job_id=job.job_id,
        version=job.version,
        editable=editable(job),
        expires_at=expires_at(job, settings),
        major_statement=script.safety_text or None,
        quote=price_stored(script, job.request, settings, script_cost_usd=job.stage("script").cost_usd),
        scenes=scenes,
    )

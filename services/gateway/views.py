"""Turns ledger jobs into the API's views; a completed job's outputs become presigned URLs."""

from __future__ import annotations

from services.gateway.schemas import JobError, JobLinks, JobOutputs, JobSummary, JobView, StageView, VersionView
from shared.compliance import ComplianceSummary
from shared.job import Job
from shared.payloads import JobCompletedPayload
from shared.storage import Storage
from shared.topology import COMPLETING_STAGE
from shared.user_errors import user_facing, user_facing_reason

API_PREFIX = "/api/v1"


def links_for(job_id: str) -> JobLinks:
    base = f"{API_PREFIX}/jobs/{job_id}"
    return JobLinks(
        self=base, events=f"{base}/events", cancel=f"{base}/cancel", retry=f"{base}/retry",
        compliance=f"{base}/compliance", storyboard=f"{base}/storyboard", approve=f"{base}/approve",
    )  # fmt: skip


def _error(job: Job) -> JobError | None:
    if job.status == "failed":
        return JobError(stage=job.error_stage, reason=user_facing_reason(job))
    if job.status == "cancelled" and job.expired_at is not None:
        return JobError(stage=None, reason="the storyboard was not approved in time: the job expired")
    if job.status == "cancelled":
        return JobError(stage=None, reason="the job was cancelled")
    return None


async def _outputs(job: Job, storage: Storage, ttl_s: int) -> JobOutputs | None:
    if job.status != "completed":
        return None
    return await _presigned(job.outputs, storage, ttl_s, name=job.job_id)


async def _presigned(outputs: dict[str, str], storage: Storage, ttl_s: int, *, name: str) -> JobOutputs | None:
    """A finished version's outputs as presigned links; downloads are named `name`.mp4 and `name`.vtt."""
    video_key = outputs.get("video_key")
    if not video_key:
        return None
    thumbnail_key = outputs.get("thumbnail_key")
    captions_key = outputs.get("captions_key")
    return JobOutputs(
        expires_in_s=ttl_s,
        video_url=await storage.presign_get(video_key, ttl_s=ttl_s),
        video_download_url=await storage.presign_get(video_key, ttl_s=ttl_s, download_name=f"{name}.mp4"),
        thumbnail_url=await storage.presign_get(thumbnail_key, ttl_s=ttl_s) if thumbnail_key else None,
        captions_url=await storage.presign_get(captions_key, ttl_s=ttl_s) if captions_key else None,
        captions_download_url=(
            await storage.presign_get(captions_key, ttl_s=ttl_s, download_name=f"{name}.vtt") if captions_key else None
        ),
    )


async def version_views(job: Job, storage: Storage, ttl_s: int) -> list[VersionView]:
    """Every version, oldest first, each with its own outputs (an earlier version's video stays downloadable)."""
    views = []
    for record in job.version_records():
        status = record.status or job.status
        finished = status == "completed"
        name = job.job_id if record.version == 1 else f"{job.job_id}-v{record.version}"
        views.append(
            VersionView(
                version=record.version,
                status=status,
                created_at=record.created_at,
                finished_at=record.finished_at,
                cost_usd=round(record.cost_usd, 6),
                redo=record.redo,
                estimate=record.estimate,
                review=record.review,
                outputs=await _presigned(record.outputs, storage, ttl_s, name=name) if finished else None,
                compliance_url=(
                    f"{links_for(job.job_id).compliance}?version={record.version}"
                    if record.outputs.get("compliance_key")
                    else None
                ),
            )
        )
    return views


def compliance_summary(job: Job) -> ComplianceSummary | None:
    """The verdict the composer announced with the finished ad (None before it, or for older jobs)."""
    completed = job.output(COMPLETING_STAGE.name, JobCompletedPayload)
    return completed.compliance if completed is not None else None


def stage_views(job: Job) -> dict[str, StageView]:
    return {
        name: StageView(
            status=state.status,
            attempts=state.attempts,
            started_at=state.started_at,
            finished_at=state.finished_at,
            elapsed_s=state.elapsed_s,
            error=user_facing(state.error, stage=name) if state.error else None,
            cost_usd=round(state.cost_usd, 6),
        )
        for name, state in job.stages.items()
    }


async def job_view(job: Job, storage: Storage, *, presign_ttl_s: int) -> JobView:
    return JobView(
        job_id=job.job_id,
        status=job.status,
        progress=job.progress,
        created_at=job.created_at,
        updated_at=job.updated_at,
        stages=stage_views(job),
        error=_error(job),
        cost_usd=round(job.cost_usd, 6),
        estimate=job.estimate,
        video_duration_s=job.video_duration_s,
        request=job.request.model_dump(mode="json"),
        outputs=await _outputs(job, storage, presign_ttl_s),
        compliance=compliance_summary(job),
        links=links_for(job.job_id),
        version=job.version,
        versions=await version_views(job, storage, presign_ttl_s),
    )


def job_summary(job: Job) -> JobSummary:
    return JobSummary(
        job_id=job.job_id,
        status=job.status,
        progress=job.progress,
        created_at=job.created_at,
        brief=job.request.brief[:200],
        links=links_for(job.job_id),
    )

"""Failed jobs' assets: tagged for lifecycle expiry when a job fails, untagged when it is retried.

The bucket's lifecycle rule (terraform storage module) expires objects tagged
`pharmagen-status=failed` after the retention window, so a retry or a replay within the window
resumes from the stored outputs. The operator's by-hand expiry lives in `tools/ops/retention.py`.
"""

from __future__ import annotations

import structlog

from shared.job import Job
from shared.storage import Storage, job_prefix

STATUS_TAG = "pharmagen-status"
FAILED_TAG = {STATUS_TAG: "failed"}
RETRIED_TAG = {STATUS_TAG: "retried"}


async def mark_failed_assets(storage: Storage, job: Job) -> int:
    """Tags the job's objects for expiry. Never raises: a failed tag costs storage, not the job's outcome."""
    try:
        return await storage.tag_prefix(job_prefix(job.user_id, job.job_id), FAILED_TAG)
    except Exception as exc:
        structlog.get_logger().warning("assets.tag_failed", job_id=job.job_id, reason=f"{type(exc).__name__}: {exc}")
        return 0


async def mark_retried_assets(storage: Storage, job: Job) -> int:
    """Replaces the failed tag so the lifecycle rule no longer expires a job that runs again. Never raises."""
    try:
        return await storage.tag_prefix(job_prefix(job.user_id, job.job_id), RETRIED_TAG)
    except Exception as exc:
        structlog.get_logger().warning("assets.untag_failed", job_id=job.job_id, reason=f"{type(exc).__name__}: {exc}")
        return 0

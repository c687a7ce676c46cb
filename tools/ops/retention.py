"""Failed jobs' assets cleaned on demand: the expiry the bucket's lifecycle rule does, by hand.

The runtime tags a failed job's objects (`shared/asset_tags.py`); the emulator runs no lifecycle
rules, so `cleanup_failed` deletes the tagged objects of jobs that failed before a cut-off.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from shared.asset_tags import FAILED_TAG, STATUS_TAG
from shared.ledger.items import RECORD_KIND
from shared.storage import job_prefix


@dataclass(frozen=True)
class ExpiredJob:
    job_id: str
    user_id: str
    finished_at: float


async def expired_failures(
    dynamodb: Any, jobs_table: str, *, older_than_s: float, now_s: float | None = None
) -> list[ExpiredJob]:
    """Failed jobs that finished before the cut-off (a scan: an operator's occasional tool, not a hot path)."""
    cutoff = (now_s if now_s is not None else time.time()) - older_than_s
    found: list[ExpiredJob] = []
    paginator = dynamodb.get_paginator("scan")
    async for page in paginator.paginate(
        TableName=jobs_table,
        FilterExpression="#kind = :job AND #status = :failed AND finished_at < :cutoff",
        ProjectionExpression="job_id, user_id, finished_at",
        ExpressionAttributeNames={"#kind": RECORD_KIND, "#status": "status"},
        ExpressionAttributeValues={
            ":job": {"S": "job"},
            ":failed": {"S": "failed"},
            ":cutoff": {"N": repr(cutoff)},
        },
    ):
        found += [
            ExpiredJob(item["job_id"]["S"], item["user_id"]["S"], float(item["finished_at"]["N"]))
            for item in page.get("Items", [])
        ]
    return found


async def delete_failed_assets(s3: Any, bucket: str, job: ExpiredJob) -> int:
    """Deletes the job's objects that still carry the failed tag (what the lifecycle rule would expire)."""
    deleted = 0
    paginator = s3.get_paginator("list_objects_v2")
    async for page in paginator.paginate(Bucket=bucket, Prefix=job_prefix(job.user_id, job.job_id)):
        for item in page.get("Contents", []):
            tags = (await s3.get_object_tagging(Bucket=bucket, Key=item["Key"])).get("TagSet", [])
            if {"Key": STATUS_TAG, "Value": FAILED_TAG[STATUS_TAG]} in tags:
                await s3.delete_object(Bucket=bucket, Key=item["Key"])
                deleted += 1
    return deleted

"""Job records: a new job's item, and a user's jobs listed newest first (by the user index)."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable
from typing import Any

from shared.job import TERMINAL_JOB_STATUSES, Job, StageState
from shared.ledger.items import from_item, now_iso, to_item
from shared.ledger.outbox import outbox_attributes
from shared.ledger.table import JobsTable
from shared.quote import Quote
from shared.request import AdRequest

NOT_YET_WRITTEN = "attribute_not_exists(job_id)"


def new_job(
    *,
    job_id: str,
    user_id: str,
    request: AdRequest,
    stage_names: Iterable[str],
    correlation_id: str,
    idempotency_key: str | None,
    request_hash: str | None,
    estimate: Quote | None = None,
) -> Job:
    created_at = now_iso()
    return Job(
        job_id=job_id,
        user_id=user_id,
        status="queued",
        request=request,
        stages={name: StageState() for name in stage_names},
        created_at=created_at,
        updated_at=created_at,
        correlation_id=correlation_id,
        idempotency_key=idempotency_key,
        request_hash=request_hash,
        estimate=estimate,
        gate="closed" if request.review else None,
    )


def put_job(table: JobsTable, job: Job) -> dict[str, Any]:
    """The `put_item` request (or transaction `Put`) of a new job, its submit event marked as still to publish
    (the outbox); it fails if the id is taken."""
    item = {**to_item(job.model_dump(mode="json", exclude_none=True), kind="job"), **outbox_attributes()}
    return {"TableName": table.name, "Item": item, "ConditionExpression": NOT_YET_WRITTEN}


class UserJobs:
    """A user's jobs through the user index (only job items carry `user_id`, so only jobs are in it)."""

    def __init__(self, table: JobsTable, index: str) -> None:
        self._table = table
        self._index = index

    def _query(self, user_id: str) -> dict[str, Any]:
        return {
            "TableName": self._table.name,
            "IndexName": self._index,
            "KeyConditionExpression": "user_id = :u",
            "ExpressionAttributeValues": {":u": {"S": user_id}},
        }

    async def page(self, user_id: str, *, limit: int, cursor: str | None) -> tuple[list[Job], str | None]:
        """One page, newest first; `cursor` is opaque and comes from the previous page."""
        kwargs: dict[str, Any] = {**self._query(user_id), "ScanIndexForward": False, "Limit": limit}
        if cursor:
            kwargs["ExclusiveStartKey"] = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        response = await self._table.db.query(**kwargs)
        jobs = [Job.model_validate(from_item(item)) for item in response.get("Items", [])]
        last = response.get("LastEvaluatedKey")
        next_cursor = base64.urlsafe_b64encode(json.dumps(last).encode()).decode() if last and jobs else None
        return jobs, next_cursor

    async def count_unfinished(self, user_id: str) -> int:
        """The user's unfinished jobs, counted from the ledger itself (the slow truth behind the counter)."""
        count = 0
        paginator = self._table.db.get_paginator("query")
        query = {**self._query(user_id), "ExpressionAttributeNames": {"#status": "status"}}
        async for page in paginator.paginate(**query, ProjectionExpression="#status"):
            count += sum(1 for item in page.get("Items", []) if item["status"]["S"] not in TERMINAL_JOB_STATUSES)
        return count

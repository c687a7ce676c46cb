"""The submit outbox: a new job's item records that its `job.submitted` is still to be published.

The job and its pending publish are one write (the same item), so no crash can separate them. The
gateway publishes at once and clears the mark; should it crash or the publish fail in between, the
relay (`shared/outbox_relay.py`) finds the job through the sparse `outbox` index (only marked items
are in it) and publishes for it. The event id is deterministic, so publishing twice is harmless.
"""

from __future__ import annotations

from typing import Any

from shared.job import Job
from shared.ledger.items import from_item
from shared.ledger.table import JobsTable

OUTBOX = "outbox"
PENDING = "pending"


def outbox_attributes() -> dict[str, Any]:
    """What a new job's item carries until its submit event is published."""
    return {OUTBOX: {"S": PENDING}}


class Outbox:
    def __init__(self, table: JobsTable, index: str) -> None:
        self._table = table
        self._index = index

    async def pending(self, *, created_before: str, limit: int = 100) -> list[Job]:
        """Jobs whose submit event may not have been published, oldest first, created before `created_before`."""
        response = await self._table.db.query(
            TableName=self._table.name,
            IndexName=self._index,
            KeyConditionExpression="#o = :pending AND created_at < :before",
            ExpressionAttributeNames={"#o": OUTBOX},
            ExpressionAttributeValues={":pending": {"S": PENDING}, ":before": {"S": created_before}},
            Limit=limit,
        )
        return [Job.model_validate(from_item(item)) for item in response.get("Items", [])]

    async def mark_published(self, job_id: str) -> None:
        """Clears the mark (idempotent: a second clear changes nothing)."""
        await self._table.db.update_item(
            TableName=self._table.name,
            Key={"job_id": {"S": job_id}},
            UpdateExpression="REMOVE #o",
            ConditionExpression="attribute_exists(job_id)",
            ExpressionAttributeNames={"#o": OUTBOX},
        )

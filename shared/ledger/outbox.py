"""The outbox: a job's item records an announcement still to be made, in the same write as the change it announces.

A new job's `job.submitted` (`pending`); a review job's approval (`approved`: re-publish what wakes the paid
stages) and storyboard edit (`edited`: re-publish the edited script to the stages before the gate). The
writer publishes at once and clears the mark; should it crash or the publish fail in between, the relay
(`shared/outbox_relay.py`) finds the job through the sparse `outbox` index (only marked items are in it) and
publishes for it. Event ids are deterministic and stages claim conditionally, so publishing twice is
harmless. `awaiting` owes nothing: it marks a job waiting at its gate, for the expiry sweep.
"""

from __future__ import annotations

from typing import Any

from shared.job import Job
from shared.ledger.items import from_item
from shared.ledger.table import JobsTable

OUTBOX = "outbox"
PENDING = "pending"
APPROVED = "approved"
EDITED = "edited"
AWAITING = "awaiting"


def outbox_attributes() -> dict[str, Any]:
    """What a new job's item carries until its submit event is published."""
    return {OUTBOX: {"S": PENDING}}


class Outbox:
    def __init__(self, table: JobsTable, index: str) -> None:
        self._table = table
        self._index = index

    async def pending(self, *, created_before: str, limit: int = 100, mark: str = PENDING) -> list[Job]:
        """Jobs marked `mark` (by default: whose submit event may not have been published), oldest first,
        created before `created_before`."""
        response = await self._table.db.query(
            TableName=self._table.name,
            IndexName=self._index,
            KeyConditionExpression="#o = :mark AND created_at < :before",
            ExpressionAttributeNames={"#o": OUTBOX},
            ExpressionAttributeValues={":mark": {"S": mark}, ":before": {"S": created_before}},
            Limit=limit,
        )
        return [Job.model_validate(from_item(item)) for item in response.get("Items", [])]

    async def waiting_since_before(self, cutoff: float) -> list[Job]:
        """Review jobs waiting at their gate since before `cutoff` (unix seconds): the expiry sweep's candidates."""
        found = []
        paginator = self._table.db.get_paginator("query")
        async for page in paginator.paginate(
            TableName=self._table.name,
            IndexName=self._index,
            KeyConditionExpression="#o = :awaiting",
            FilterExpression="awaiting_since < :cutoff",
            ExpressionAttributeNames={"#o": OUTBOX},
            ExpressionAttributeValues={":awaiting": {"S": AWAITING}, ":cutoff": {"N": repr(cutoff)}},
        ):
            found += [Job.model_validate(from_item(item)) for item in page.get("Items", [])]
        return found

    async def mark_published(self, job_id: str, mark: str = PENDING) -> None:
        """Clears the mark once its announcement is made; a newer mark (the job moved on) stays."""
        try:
            await self._table.db.update_item(
                TableName=self._table.name,
                Key={"job_id": {"S": job_id}},
                UpdateExpression="REMOVE #o",
                ConditionExpression="#o = :mark",
                ExpressionAttributeNames={"#o": OUTBOX},
                ExpressionAttributeValues={":mark": {"S": mark}},
            )
        except self._table.db.exceptions.ConditionalCheckFailedException:
            return  # already cleared, or the job now owes another announcement

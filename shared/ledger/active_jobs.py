"""The per-user count of unfinished jobs behind the gateway's cap: one small item, moved by conditional updates.

Taking a place is a conditional increment, refused at the cap, so two concurrent submits cannot
both take the last place. A job gives its place back when it ends. The count is a cache of the
truth (the user's unfinished jobs in the ledger): should a crash between a job's end and its
give-back leave it too high, the next refusal recounts from the ledger and repairs it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from shared.ledger.items import RECORD_KIND

CountUnfinished = Callable[[str], Awaitable[int]]
ADD = "SET #kind = :kind ADD active_jobs :d"
BELOW_CAP = "attribute_not_exists(active_jobs) OR active_jobs < :cap"
REPAIR = "SET active_jobs = :actual"
UNMOVED = "active_jobs = :seen"


class TooManyActiveJobs(Exception):
    """The user already has as many unfinished jobs as they may."""


class ActiveJobs:
    def __init__(self, dynamodb: Any, *, table: str, count_unfinished: CountUnfinished) -> None:
        self._db = dynamodb
        self._table = table
        self._count_unfinished = count_unfinished

    def _key(self, user_id: str) -> dict[str, Any]:
        # In the jobs table under a key no job has, as record kind `active_jobs` and without `user_id`
        # (so the user index skips it).
        return {"job_id": {"S": f"active#{user_id}"}}

    async def take(self, user_id: str, *, cap: int | None) -> bool:
        """Takes a place for a new or resumed job; False when the user is at `cap`."""
        if await self._add(user_id, +1, cap=cap):
            return True
        if cap is None:
            return False
        seen = await self.count(user_id)
        actual = await self._count_unfinished(user_id)
        if actual >= seen or actual >= cap:
            return False
        await self._repair(user_id, seen=seen, actual=actual)
        return await self._add(user_id, +1, cap=cap)

    async def give_back(self, user_id: str) -> None:
        await self._add(user_id, -1, cap=None)

    async def count(self, user_id: str) -> int:
        response = await self._db.get_item(TableName=self._table, Key=self._key(user_id), ConsistentRead=True)
        return int(response.get("Item", {}).get("active_jobs", {}).get("N", "0"))

    async def _add(self, user_id: str, delta: int, *, cap: int | None) -> bool:
        kwargs: dict[str, Any] = {
            "TableName": self._table,
            "Key": self._key(user_id),
            "UpdateExpression": ADD,
            "ExpressionAttributeNames": {"#kind": RECORD_KIND},
            "ExpressionAttributeValues": {":d": {"N": str(delta)}, ":kind": {"S": "active_jobs"}},
        }
        if cap is not None:
            kwargs["ConditionExpression"] = BELOW_CAP
            kwargs["ExpressionAttributeValues"][":cap"] = {"N": str(cap)}
        try:
            await self._db.update_item(**kwargs)
        except self._db.exceptions.ConditionalCheckFailedException:
            return False
        return True

    async def _repair(self, user_id: str, *, seen: int, actual: int) -> None:
        """Sets the count to the ledger's truth, unless it moved meanwhile (then the next refusal repairs it)."""
        try:
            await self._db.update_item(
                TableName=self._table,
                Key=self._key(user_id),
                UpdateExpression=REPAIR,
                ConditionExpression=UNMOVED,
                ExpressionAttributeValues={":actual": {"N": str(actual)}, ":seen": {"N": str(seen)}},
            )
        except self._db.exceptions.ConditionalCheckFailedException:
            return

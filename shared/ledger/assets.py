"""Asset records: one item per upload (`asset#<id>`), pending until its bytes are checked, then ready or rejected.

Why the ledger and not S3 object metadata: the record must exist before any bytes do (the upload may never
come), its verdict is a state transition that two concurrent checks may race for (a conditional write from
`pending` settles it once), and S3 metadata cannot be changed without rewriting the object. The item carries
`owner_id`, not `user_id`, so the user index of jobs never lists it.

The table's TTL attribute (`expires_at`) lets DynamoDB drop a record never uploaded (a day on) or rejected
(a week on, so the user can still read why); a ready record has none, since jobs name it.
"""

from __future__ import annotations

import contextlib
import time
from typing import Any

from pydantic import BaseModel, ConfigDict

from shared.assets import AssetFormat, AssetKindName, AssetStatus
from shared.ledger.items import from_item, is_kind, now_iso, to_item

NOT_YET_WRITTEN = "attribute_not_exists(job_id)"
STILL_PENDING = "#status = :pending"
PENDING_TTL_S = 24 * 3600
REJECTED_TTL_S = 7 * 24 * 3600
_SETTLE = "SET #status = :status, reason = :reason, #format = :format, checked_at = :at"


class AssetRecord(BaseModel):
    """What the ledger knows of one asset: who owns it, what it was declared as, and the check's verdict."""

    model_config = ConfigDict(frozen=True)

    asset_id: str
    owner_id: str
    kind: AssetKindName
    content_type: str
    size_bytes: int
    status: AssetStatus = "pending"
    reason: str | None = None
    format: AssetFormat | None = None
    created_at: str = ""
    checked_at: str | None = None


def asset_item_key(asset_id: str) -> str:
    return f"asset#{asset_id}"


class Assets:
    def __init__(self, dynamodb: Any, *, table: str) -> None:
        self._db = dynamodb
        self._table = table

    def _key(self, asset_id: str) -> dict[str, Any]:
        return {"job_id": {"S": asset_item_key(asset_id)}}

    async def create(self, record: AssetRecord) -> AssetRecord:
        stored = record.model_copy(update={"created_at": now_iso(), "status": "pending"})
        plain = {**stored.model_dump(mode="json", exclude_none=True), "expires_at": int(time.time()) + PENDING_TTL_S}
        item = {**to_item(plain, kind="asset"), **self._key(record.asset_id)}
        await self._db.put_item(TableName=self._table, Item=item, ConditionExpression=NOT_YET_WRITTEN)
        return stored

    async def get(self, asset_id: str) -> AssetRecord | None:
        response = await self._db.get_item(TableName=self._table, Key=self._key(asset_id), ConsistentRead=True)
        item = response.get("Item")
        if item is None or not is_kind(item, "asset"):
            return None
        plain = from_item(item)
        for stored_only in ("job_id", "record_kind", "expires_at"):
            plain.pop(stored_only, None)
        return AssetRecord.model_validate(plain)

    async def settle(
        self, asset_id: str, *, status: AssetStatus, reason: str | None, found: AssetFormat | None
    ) -> AssetRecord | None:
        """Records the check's verdict once (from `pending`); the record as it stands either way."""
        values: dict[str, Any] = {
            ":pending": {"S": "pending"},
            ":status": {"S": status},
            ":at": {"S": now_iso()},
            ":reason": {"S": reason} if reason else {"NULL": True},
            ":format": {"S": found} if found else {"NULL": True},
        }
        if status == "rejected":
            update = f"{_SETTLE}, expires_at = :expires"
            values[":expires"] = {"N": str(int(time.time()) + REJECTED_TTL_S)}
        else:
            update = f"{_SETTLE} REMOVE expires_at"
        # Another check may have settled it first: its verdict stands.
        with contextlib.suppress(self._db.exceptions.ConditionalCheckFailedException):
            await self._db.update_item(
                TableName=self._table,
                Key=self._key(asset_id),
                UpdateExpression=update,
                ConditionExpression=STILL_PENDING,
                ExpressionAttributeNames={"#status": "status", "#format": "format"},
                ExpressionAttributeValues=values,
            )
        return await self.get(asset_id)

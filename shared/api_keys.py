"""API keys in DynamoDB, stored only as sha256 digests: one item per key (user, created, last used, revoked).

A key is shown once, when it is created; afterwards only its id (the first characters of its digest)
names it. Lookups are by digest, so the store never holds anything that would let a key be rebuilt.
Items live in the keys table (topology `KEYS_TABLE`) with `kind = "api_key"`.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from typing import Any

KEY_PREFIX = "pgk_"
KIND = "api_key"
ID_CHARS = 12  # of the digest's hex: enough to name a key to an operator, useless to forge one


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def new_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


@dataclass(frozen=True)
class KeyRecord:
    key_id: str
    user_id: str
    created_at: float
    last_used_at: float | None
    revoked_at: float | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


def _record(item: dict[str, Any]) -> KeyRecord:
    def number(name: str) -> float | None:
        return float(item[name]["N"]) if name in item else None

    return KeyRecord(
        key_id=item["key_id"]["S"],
        user_id=item["user_id"]["S"],
        created_at=float(item["created_at"]["N"]),
        last_used_at=number("last_used_at"),
        revoked_at=number("revoked_at"),
    )


class KeyStore:
    def __init__(self, dynamodb: Any, *, table: str) -> None:
        self._db = dynamodb
        self.table = table

    @staticmethod
    def _item_key(key_digest: str) -> dict[str, Any]:
        return {"pk": {"S": f"key#{key_digest}"}}

    async def create(self, user_id: str) -> tuple[str, KeyRecord]:
        """A fresh key for `user_id`: the plaintext (to show once) and its record."""
        key = new_key()
        key_digest = digest(key)
        now = time.time()
        await self._db.put_item(
            TableName=self.table,
            Item={
                **self._item_key(key_digest),
                "kind": {"S": KIND},
                "key_id": {"S": key_digest[:ID_CHARS]},
                "user_id": {"S": user_id},
                "created_at": {"N": repr(now)},
            },
            ConditionExpression="attribute_not_exists(pk)",
        )
        return key, KeyRecord(
            key_id=key_digest[:ID_CHARS], user_id=user_id, created_at=now, last_used_at=None, revoked_at=None
        )

    async def find(self, key: str) -> KeyRecord | None:
        """The record of this key when it exists, revoked or not."""
        response = await self._db.get_item(TableName=self.table, Key=self._item_key(digest(key)), ConsistentRead=True)
        item = response.get("Item")
        return _record(item) if item and item.get("kind", {}).get("S") == KIND else None

    async def touch(self, key: str) -> None:
        """Records a use (the gateway calls this at most once per cache period per key)."""
        await self._db.update_item(
            TableName=self.table,
            Key=self._item_key(digest(key)),
            UpdateExpression="SET last_used_at = :now",
            ConditionExpression="attribute_exists(pk)",
            ExpressionAttributeValues={":now": {"N": repr(time.time())}},
        )

    async def _items(self, user_id: str | None = None) -> list[dict[str, Any]]:
        """Every key item (or one user's); an operator's view, so a scan is fine."""
        values: dict[str, Any] = {":kind": {"S": KIND}}
        condition = "kind = :kind"
        if user_id is not None:
            condition += " AND user_id = :user"
            values[":user"] = {"S": user_id}
        items: list[dict[str, Any]] = []
        paginator = self._db.get_paginator("scan")
        async for page in paginator.paginate(
            TableName=self.table, FilterExpression=condition, ExpressionAttributeValues=values
        ):
            items += page.get("Items", [])
        return items

    async def list(self, user_id: str | None = None) -> list[KeyRecord]:
        """Every key (or one user's), oldest first."""
        return sorted((_record(item) for item in await self._items(user_id)), key=lambda r: r.created_at)

    async def revoke(self, key_id: str) -> KeyRecord | None:
        """Revokes the key whose id is `key_id` (for good); None when no key has that id."""
        for item in await self._items():
            if item["key_id"]["S"] == key_id:
                response = await self._db.update_item(
                    TableName=self.table,
                    Key={"pk": item["pk"]},
                    UpdateExpression="SET revoked_at = if_not_exists(revoked_at, :now)",
                    ExpressionAttributeValues={":now": {"N": repr(time.time())}},
                    ReturnValues="ALL_NEW",
                )
                return _record(response["Attributes"])
        return None

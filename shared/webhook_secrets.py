"""Per-user webhook signing secrets (Standard Webhooks `whsec_…`), stored encrypted with KMS.

One item per user in the keys table (`kind = "webhook_secret"`): the KMS ciphertext, bound to the
user by the encryption context, so a ciphertext copied onto another user's item does not decrypt.
The plaintext is shown once, when it is created or rotated, and read back only by the notifier.
"""

from __future__ import annotations

import base64
import secrets
import time
from typing import Any

SECRET_PREFIX = "whsec_"  # noqa: S105 - the Standard Webhooks prefix, not a secret
KIND = "webhook_secret"


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


class WebhookSecrets:
    def __init__(self, dynamodb: Any, kms: Any, *, table: str, kms_key_id: str) -> None:
        self._db = dynamodb
        self._kms = kms
        self.table = table
        self.kms_key_id = kms_key_id

    @staticmethod
    def _key(user_id: str) -> dict[str, Any]:
        return {"pk": {"S": f"webhook#{user_id}"}}

    @staticmethod
    def _context(user_id: str) -> dict[str, str]:
        return {"pharmagen:user_id": user_id}

    async def _encrypt(self, user_id: str, secret: str) -> bytes:
        response = await self._kms.encrypt(
            KeyId=self.kms_key_id, Plaintext=secret.encode(), EncryptionContext=self._context(user_id)
        )
        ciphertext: bytes = response["CiphertextBlob"]
        return ciphertext

    async def _put(self, user_id: str, secret: str, *, only_if_new: bool) -> bool:
        item = {
            **self._key(user_id),
            "kind": {"S": KIND},
            "user_id": {"S": user_id},
            "ciphertext": {"B": await self._encrypt(user_id, secret)},
            "created_at": {"N": repr(time.time())},
        }
        kwargs: dict[str, Any] = {"TableName": self.table, "Item": item}
        if only_if_new:
            kwargs["ConditionExpression"] = "attribute_not_exists(pk)"
        try:
            await self._db.put_item(**kwargs)
        except self._db.exceptions.ConditionalCheckFailedException:
            return False
        return True

    async def create_if_missing(self, user_id: str) -> str | None:
        """A new secret for a user who has none (the plaintext, to show once); None when one exists."""
        secret = new_secret()
        return secret if await self._put(user_id, secret, only_if_new=True) else None

    async def rotate(self, user_id: str) -> str:
        """Replaces the user's secret; the new plaintext is returned to be shown once."""
        secret = new_secret()
        await self._put(user_id, secret, only_if_new=False)
        return secret

    async def get(self, user_id: str) -> str | None:
        """The user's secret in plaintext (for signing), or None when they have none."""
        response = await self._db.get_item(TableName=self.table, Key=self._key(user_id), ConsistentRead=True)
        item = response.get("Item")
        if not item or item.get("kind", {}).get("S") != KIND:
            return None
        plain = await self._kms.decrypt(
            CiphertextBlob=item["ciphertext"]["B"], KeyId=self.kms_key_id, EncryptionContext=self._context(user_id)
        )
        return bytes(plain["Plaintext"]).decode()

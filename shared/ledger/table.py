"""The jobs table's conditional writes: the one place the ledger calls DynamoDB's write API for jobs."""

from __future__ import annotations

from typing import Any

from shared.job import Job
from shared.ledger.expressions import Expression
from shared.ledger.items import from_item, is_kind

_REFUSED = {"ConditionalCheckFailedException", "TransactionCanceledException"}


class JobsTable:
    def __init__(self, dynamodb: Any, name: str) -> None:
        self.db = dynamodb
        self.name = name

    def update_request(
        self,
        job_id: str,
        expression: Expression,
        names: dict[str, str] | None = None,
        values: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """An `update_item` request on one job (also the `Update` of a transaction)."""
        return {"TableName": self.name, "Key": {"job_id": {"S": job_id}}, **expression.params(names, values)}

    async def update(
        self,
        job_id: str,
        expression: Expression,
        names: dict[str, str] | None = None,
        values: dict[str, Any] | None = None,
    ) -> Job | None:
        """A conditional update; the job as it is after the write, or None when the condition did not hold."""
        try:
            response = await self.db.update_item(
                **self.update_request(job_id, expression, names, values), ReturnValues="ALL_NEW"
            )
        except self.db.exceptions.ConditionalCheckFailedException:
            return None
        return Job.model_validate(from_item(response["Attributes"]))

    async def transact(self, items: list[dict[str, Any]]) -> bool:
        """All or nothing; False when a condition refused it."""
        try:
            await self.db.transact_write_items(TransactItems=items)
        except self.db.exceptions.ClientError as exc:
            if getattr(exc, "response", {}).get("Error", {}).get("Code", "") in _REFUSED:
                return False
            raise
        return True

    async def get_item(self, key: str) -> dict[str, Any] | None:
        response = await self.db.get_item(TableName=self.name, Key={"job_id": {"S": key}}, ConsistentRead=True)
        item: dict[str, Any] | None = response.get("Item")
        return item

    async def get_job(self, job_id: str) -> Job | None:
        item = await self.get_item(job_id)
        if item is None or not is_kind(item, "job"):
            return None
        return Job.model_validate(from_item(item))

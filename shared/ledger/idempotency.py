"""Idempotency markers: a submit with an `Idempotency-Key` writes a marker beside its job, in one transaction.

A repeat of the same key finds the marker and gets the first job back; the same key with a
different body is refused (`IdempotencyConflict`). A revision's marker is scoped to its job
(`revision_scope`) and also names the version the key made.
"""

from __future__ import annotations

from typing import Any

from shared.ledger.items import from_item, is_kind, to_item
from shared.ledger.table import JobsTable

NOT_YET_WRITTEN = "attribute_not_exists(job_id)"


class IdempotencyConflict(Exception):
    """The same Idempotency-Key was used with a different request body."""


def marker_key(user_id: str, idempotency_key: str) -> str:
    return f"idempotency#{user_id}#{idempotency_key}"


def revision_scope(job_id: str, idempotency_key: str) -> str:
    """A revision's key, apart from the submits' keys and from other jobs' revisions."""
    return f"revision:{job_id}:{idempotency_key}"


def put_marker(
    table: JobsTable,
    *,
    user_id: str,
    idempotency_key: str,
    job_id: str,
    request_hash: str,
    target_version: int | None = None,
) -> dict[str, Any]:
    """The transaction `Put` of a marker; it fails when the key was used before."""
    item: dict[str, Any] = {
        "job_id": marker_key(user_id, idempotency_key), "target_job_id": job_id, "request_hash": request_hash,
    }  # fmt: skip
    if target_version is not None:
        item["target_version"] = target_version
    return {"TableName": table.name, "Item": to_item(item, kind="idempotency"), "ConditionExpression": NOT_YET_WRITTEN}


async def read_marker(
    table: JobsTable, *, user_id: str, idempotency_key: str, request_hash: str
) -> dict[str, Any] | None:
    """The key's marker when there is one; `IdempotencyConflict` when its body differs from this one's."""
    item = await table.get_item(marker_key(user_id, idempotency_key))
    if item is None or not is_kind(item, "idempotency"):
        return None
    marker = from_item(item)
    if marker.get("request_hash") != request_hash:
        raise IdempotencyConflict(idempotency_key)
    return marker


async def first_job_id(table: JobsTable, *, user_id: str, idempotency_key: str, request_hash: str) -> str:
    """The job the key first created; `IdempotencyConflict` when the body differs from the first one's."""
    marker = await read_marker(table, user_id=user_id, idempotency_key=idempotency_key, request_hash=request_hash)
    if marker is None:
        raise RuntimeError("an idempotency key was refused but no marker holds it")
    target: str = marker["target_job_id"]
    return target

"""How ledger records become DynamoDB items and back, and which kind of record an item is.

The jobs table holds several kinds of record under one key space (jobs, idempotency markers,
active-job counters, uploaded assets). Each item names its kind in `record_kind`, so a reader never guesses a
kind from which attributes happen to be present.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Literal

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

_SER, _DESER = TypeSerializer(), TypeDeserializer()

RecordKind = Literal["job", "idempotency", "active_jobs", "asset"]
RECORD_KIND = "record_kind"


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def to_item(value: dict[str, Any], *, kind: RecordKind | None = None) -> dict[str, Any]:
    """A plain JSON-able dict as a DynamoDB item; with `kind`, the item is marked as that record kind."""
    plain = json.loads(json.dumps(value), parse_float=Decimal)
    if kind is not None:
        plain[RECORD_KIND] = kind
    return {k: _SER.serialize(v) for k, v in plain.items()}


def from_item(item: dict[str, Any]) -> dict[str, Any]:
    plain: dict[str, Any] = json.loads(json.dumps({k: _DESER.deserialize(v) for k, v in item.items()}, default=_number))
    return plain


def attribute_value(value: Any) -> dict[str, Any]:
    """One value as a DynamoDB attribute value (floats go through Decimal, as DynamoDB wants)."""
    serialized: dict[str, Any] = _SER.serialize(json.loads(json.dumps(value), parse_float=Decimal))
    return serialized


def is_kind(item: dict[str, Any] | None, kind: RecordKind) -> bool:
    return bool(item) and item.get(RECORD_KIND, {}).get("S") == kind  # type: ignore[union-attr]


def _number(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"cannot encode {type(value).__name__}")

"""DynamoDB expressions of the ledger, declared once with their placeholders.

An `Expression` is a constant (update and condition text); `params()` fills in only the
placeholders that text uses, from the shared names and status values plus the call's own.
DynamoDB refuses unused placeholders, and a missing one is a bug: it raises at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from shared.ledger.items import RECORD_KIND, attribute_value

_STATUSES = (
    "queued", "pending", "running", "awaiting_approval", "composing", "succeeded", "skipped", "failed", "completed",
    "cancelled",
)  # fmt: skip
GATE_VALUES = ("closed", "open")

NAMES: dict[str, str] = {
    "#st": "stages",
    "#status": "status",
    "#owner": "owner",
    "#error": "error",
    "#kind": RECORD_KIND,
    "#gate": "gate",
    "#o": "outbox",  # shared.ledger.outbox.OUTBOX
    "#sc": "scenes",  # a stage's units of work, by index (`#i`): stages.<stage>.scenes.<index>
    "#ver": "version",
}
STATUS_VALUES: dict[str, str] = {f":{status}": status for status in (*_STATUSES, *GATE_VALUES)}

_NAME = re.compile(r"#\w+")
_VALUE = re.compile(r":\w+")

# Conditions shared by several writes.
JOB_OPEN = "attribute_exists(job_id) AND NOT #status IN (:completed, :failed, :cancelled)"
HELD_BY_OWNER = "#st.#s.#owner = :owner AND #st.#s.#status = :running"
GATE_NOT_CLOSED = "(attribute_not_exists(#gate) OR #gate <> :closed)"
UNIT_PATH = "#st.#s.#sc.#i"  # one unit of a stage's work


def held_by_owner(path: str) -> str:
    """The record at `path` is running and held by `:owner`."""
    return f"{path}.#owner = :owner AND {path}.#status = :running"


@dataclass(frozen=True)
class Expression:
    update: str
    condition: str | None = None

    def params(self, names: dict[str, str] | None = None, values: dict[str, Any] | None = None) -> dict[str, Any]:
        """The keyword arguments of `update_item` for this expression."""
        text = f"{self.update} {self.condition or ''}"
        known_names = NAMES | (names or {})
        known_values: dict[str, Any] = STATUS_VALUES | (values or {})
        used_names = sorted(set(_NAME.findall(text)))
        used_values = sorted(set(_VALUE.findall(text)))
        missing = [p for p in used_names if p not in known_names] + [p for p in used_values if p not in known_values]
        if missing:
            raise KeyError(f"expression placeholders without a value: {missing}")
        params: dict[str, Any] = {"UpdateExpression": self.update}
        if self.condition:
            params["ConditionExpression"] = self.condition
        if used_names:
            params["ExpressionAttributeNames"] = {p: known_names[p] for p in used_names}
        if used_values:
            params["ExpressionAttributeValues"] = {p: attribute_value(known_values[p]) for p in used_values}
        return params

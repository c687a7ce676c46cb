"""Units of a stage's work (the clips stage's scenes): opened, claimed, finished and joined in the ledger.

A stage with units is opened by its trigger event: the stage turns `running` and gets one pending record
per unit under `stages.<stage>.scenes.<index>`. Each unit is then claimed like a stage (one owner, a
lease, attempts, checkpoints), finished with its own completion event, or failed. The join is one
conditional write: the stage becomes `succeeded` with its completion event only while it is `running`
and every unit is `succeeded`, so however many deliveries attempt it, it lands once. Publishing that
event is claimed separately (`announced`, with the announcer's lease), so duplicates do not publish it
twice and a publisher that died before publishing is replaced once its lease has run out.
"""

from __future__ import annotations

import functools
import time
from typing import Any

from shared.job import Job, StageState
from shared.ledger.claims import ClaimKind
from shared.ledger.expressions import GATE_NOT_CLOSED, UNIT_PATH, Expression, held_by_owner
from shared.ledger.items import now_iso
from shared.ledger.table import JobsTable

# The job open, at the version the delivery is for (a job written before versions has none: version 1).
_JOB_OPEN = "#status IN (:queued, :running, :composing) AND (attribute_not_exists(#ver) OR #ver = :version)"
_OPEN = (
    "SET #st.#s.#status = :running, #st.#s.started_at = if_not_exists(#st.#s.started_at, :now),"
    " #st.#s.#sc = if_not_exists(#st.#s.#sc, :units), #st.#s.sequential = :sequential,"
    " #status = :job_status, updated_at = :updated"
)
CLAIM_UNIT = Expression(
    "SET #st.#s.#status = :running, #st.#s.#sc.#i.#status = :running, #st.#s.#sc.#i.#owner = :owner,"
    " #st.#s.#sc.#i.lease_expires_at = :lease,"
    " #st.#s.#sc.#i.started_at = if_not_exists(#st.#s.#sc.#i.started_at, :now),"
    " #st.#s.#sc.#i.attempts = #st.#s.#sc.#i.attempts + :one, updated_at = :updated",
    f"{_JOB_OPEN} AND #st.#s.#status IN (:pending, :running) AND (#st.#s.#sc.#i.#status = :pending"
    " OR (#st.#s.#sc.#i.#status = :running AND #st.#s.#sc.#i.lease_expires_at < :now))",
)
COMPLETE_UNIT = Expression(
    "SET #st.#s.#sc.#i.#status = :succeeded, #st.#s.#sc.#i.finished_at = :now, #st.#s.#sc.#i.event = :event,"
    " #st.#s.#sc.#i.cost_usd = :cost, updated_at = :updated ADD cost_usd :cost",
    held_by_owner(UNIT_PATH),
)
FAIL_UNIT = Expression(
    "SET #st.#s.#sc.#i.#status = :failed, #st.#s.#sc.#i.#error = :reason, #st.#s.#sc.#i.finished_at = :now",
    "#st.#s.#sc.#i.#owner = :owner",
)
CLAIM_ANNOUNCEMENT = Expression(
    "SET #st.#s.#owner = :owner, #st.#s.lease_expires_at = :lease",
    "#st.#s.#status = :succeeded AND #st.#s.announced = :no AND #st.#s.lease_expires_at < :now",
)
ANNOUNCED = Expression("SET #st.#s.announced = :yes", "#st.#s.#owner = :owner")


@functools.cache
def open_expression(required: int, after_approval: bool = False) -> Expression:
    """Opens a stage with units once its `required` stages (`#r0`…) are done (and, for a stage released by
    approval, once a review job's gate is open); reopens a revived one."""
    ready = "".join(f" AND #st.#r{i}.#status IN (:succeeded, :skipped)" for i in range(required))
    gate = f" AND {GATE_NOT_CLOSED}" if after_approval else ""
    return Expression(_OPEN, f"{_JOB_OPEN} AND #st.#s.#status IN (:pending, :running){ready}{gate}")


@functools.cache
def join_expression(units: int) -> Expression:
    """The stage done with its completion event, only while it runs and all `units` (`#u0`…) have succeeded."""
    every = "".join(f" AND #st.#s.#sc.#u{i}.#status = :succeeded" for i in range(units))
    return Expression(
        "SET #st.#s.#status = :succeeded, #st.#s.finished_at = :now, #st.#s.event = :event,"
        " #st.#s.cost_usd = :cost, #st.#s.#owner = :owner, #st.#s.lease_expires_at = :lease,"
        " #st.#s.announced = :no, updated_at = :updated",
        f"{_JOB_OPEN} AND #st.#s.#status = :running{every}",
    )


def unit_refusal(job: Job | None, stage_name: str, index: int, version: int = 1) -> ClaimKind:
    """Why a unit's claim was refused (the same kinds as a stage's claim)."""
    if job is None:
        return "missing"
    if job.version != version:
        return "stale"  # a revision reset the stage for a newer version: this unit is not its to run
    unit = job.stage(stage_name).unit(index)
    if unit.done:
        return "done"
    if job.terminal:
        return "ended"
    if str(index) not in (job.stage(stage_name).scenes or {}):
        return "not_ready"  # the stage was never opened (or reset for a new version): nothing to run
    if unit.status == "failed":
        return "failed"
    return "busy"


class Units:
    def __init__(self, table: JobsTable) -> None:
        self._table = table

    async def open(
        self,
        job_id: str,
        stage_name: str,
        *,
        units: int,
        sequential: bool,
        requires: tuple[str, ...],
        job_status: str,
        version: int = 1,
        after_approval: bool = False,
    ) -> Job | None:
        """The stage running with `units` pending units (kept as they are when it was opened before)."""
        names = {"#s": stage_name} | {f"#r{i}": name for i, name in enumerate(requires)}
        pending = StageState().model_dump(mode="json", exclude_none=True, exclude={"announced", "sequential"})
        values = {
            ":now": time.time(),
            ":units": {str(i): pending for i in range(units)},
            ":sequential": sequential,
            ":job_status": job_status,
            ":updated": now_iso(),
            ":version": version,
        }
        return await self._table.update(job_id, open_expression(len(requires), after_approval), names, values)

    async def claim(
        self, job_id: str, stage_name: str, index: int, *, owner: str, lease_s: float, version: int = 1
    ) -> Job | None:
        now = time.time()
        values = {":now": now, ":lease": now + lease_s, ":owner": owner, ":one": 1, ":version": version}
        values[":updated"] = now_iso()
        return await self._table.update(job_id, CLAIM_UNIT, self._names(stage_name, index), values)

    async def complete(
        self, job_id: str, stage_name: str, index: int, *, owner: str, event_json: str, cost_usd: float
    ) -> bool:
        """The unit's outcome and completion event; its cost is added to the job's at once."""
        values = {
            ":now": time.time(),
            ":event": event_json,
            ":cost": round(cost_usd, 6),
            ":owner": owner,
            ":updated": now_iso(),
        }
        return await self._table.update(job_id, COMPLETE_UNIT, self._names(stage_name, index), values) is not None

    async def fail(self, job_id: str, stage_name: str, index: int, *, owner: str, reason: str) -> bool:
        values = {":reason": reason[:500], ":now": time.time(), ":owner": owner}
        return await self._table.update(job_id, FAIL_UNIT, self._names(stage_name, index), values) is not None

    async def join(
        self, job: Job, stage_name: str, *, event_json: str, cost_usd: float, owner: str, announce_s: float
    ) -> bool:
        """Completes the stage if every unit has succeeded; True for the one writer that did it."""
        count = job.stage(stage_name).unit_count
        names = {"#s": stage_name} | {f"#u{i}": str(i) for i in range(count)}
        now = time.time()
        values: dict[str, Any] = {
            ":version": job.version,
            ":now": now,
            ":event": event_json,
            ":cost": round(cost_usd, 6),
            ":owner": owner,
            ":lease": now + announce_s,
            ":no": False,
            ":updated": now_iso(),
        }
        return await self._table.update(job.job_id, join_expression(count), names, values) is not None

    async def claim_announcement(self, job_id: str, stage_name: str, *, owner: str, announce_s: float) -> bool:
        """Takes over publishing a joined stage's event whose announcer has not said it published it in time."""
        now = time.time()
        values = {":now": now, ":lease": now + announce_s, ":owner": owner, ":no": False}
        return await self._table.update(job_id, CLAIM_ANNOUNCEMENT, {"#s": stage_name}, values) is not None

    async def mark_announced(self, job_id: str, stage_name: str, *, owner: str) -> bool:
        values = {":yes": True, ":owner": owner}
        return await self._table.update(job_id, ANNOUNCED, {"#s": stage_name}, values) is not None

    @staticmethod
    def _names(stage_name: str, index: int) -> dict[str, str]:
        return {"#s": stage_name, "#i": str(index)}

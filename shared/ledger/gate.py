"""A review job's gate: reached, approved, its storyboard edited, or expired unapproved.

A review job (`review: true`) is written with its gate `closed`; the stages declared `after_approval`
cannot claim it until the gate is `open`. Every move is one conditional write from the state it leaves,
so a duplicate or late writer changes nothing. Each write that owes an announcement marks the job in the
outbox (`shared.ledger.outbox`) in the same write, so the relay makes the announcement should the writer
die before it: `approved` (re-publish the events that wake the paid stages), `edited` (re-publish the
edited script's completion to the stages before the gate). `awaiting` marks a job waiting at its gate,
which is how the expiry sweep finds it.
"""

from __future__ import annotations

import functools
import time

from shared.job import Job
from shared.ledger.active_jobs import ActiveJobs
from shared.ledger.expressions import Expression
from shared.ledger.items import now_iso
from shared.ledger.outbox import APPROVED, AWAITING, EDITED
from shared.ledger.table import JobsTable

APPROVE = Expression(
    "SET #gate = :open, #status = :running, approved_at = :now, #o = :mark, updated_at = :updated",
    "#gate = :closed AND #status = :awaiting_approval",
)
EXPIRE = Expression(
    "SET #status = :cancelled, finished_at = :now, expired_at = :now, updated_at = :updated REMOVE #o",
    "#gate = :closed AND #status = :awaiting_approval AND awaiting_since < :cutoff",
)


@functools.cache
def reach_expression(pre_gate: int) -> Expression:
    """The job to `awaiting_approval` once its `pre_gate` stages (`#p0`…) are all done, its gate still closed."""
    done = "".join(f" AND #st.#p{i}.#status IN (:succeeded, :skipped)" for i in range(pre_gate))
    return Expression(
        "SET #status = :awaiting_approval, awaiting_since = :now, #o = :mark, updated_at = :updated",
        f"#gate = :closed AND #status IN (:queued, :running){done}",
    )


@functools.cache
def edit_expression(redo: int) -> Expression:
    """The script stage's completion replaced by the edited script's (only over the one the editor saw); the
    `redo` stages before the gate (`#k0`…) back to pending, and the job running until they are done again.

    A redone stage reports its whole cost again when it completes (reused images count at what they cost), so
    its previous cost leaves the job's total here: the total stays the sum of its stages.
    """
    resets = "".join(
        f", #st.#k{i}.#status = :pending, #st.#k{i}.lease_expires_at = :zero, #st.#k{i}.cost_usd = :zero"
        for i in range(redo)
    )
    running = ", #status = :running, #o = :mark" if redo else ""
    uncount = " ADD cost_usd :uncount" if redo else ""
    return Expression(
        f"SET #st.#script.event = :event, updated_at = :updated{running}{resets}{uncount}",
        "#gate = :closed AND #status = :awaiting_approval AND #st.#script.event = :seen",
    )


class Gate:
    def __init__(self, table: JobsTable, active: ActiveJobs) -> None:
        self._table = table
        self._active = active

    async def reach(self, job_id: str, pre_gate: tuple[str, ...]) -> Job | None:
        """The job now awaiting approval, or None when it is not a closed review job with all that work done."""
        names = {f"#p{i}": name for i, name in enumerate(pre_gate)}
        values = {":now": time.time(), ":mark": AWAITING, ":updated": now_iso()}
        return await self._table.update(job_id, reach_expression(len(pre_gate)), names, values)

    async def approve(self, job_id: str) -> Job | None:
        """The gate opened (the release marked in the outbox), or None when the job was not awaiting approval."""
        values = {":now": time.time(), ":mark": APPROVED, ":updated": now_iso()}
        return await self._table.update(job_id, APPROVE, values=values)

    async def replace_script(self, job: Job, *, event_json: str, redo: tuple[str, ...] = ()) -> Job | None:
        """Points the job at its edited script; None when the job moved on or another edit came first."""
        names = {"#script": "script"} | {f"#k{i}": name for i, name in enumerate(redo)}
        seen_event = job.stage("script").event or ""
        values: dict[str, object] = {":event": event_json, ":seen": seen_event, ":updated": now_iso()}
        if redo:
            uncount = -round(sum(job.stage(name).cost_usd for name in redo), 6)
            values |= {":zero": 0, ":mark": EDITED, ":uncount": uncount}
        job_id = job.job_id
        return await self._table.update(job_id, edit_expression(len(redo)), names, values)

    async def expire(self, job: Job, *, older_than: float) -> bool:
        """Cancels a job that has waited unapproved since before `older_than` (unix s) and frees its place."""
        values = {":now": time.time(), ":cutoff": older_than, ":updated": now_iso()}
        if await self._table.update(job.job_id, EXPIRE, values=values) is None:
            return False
        await self._active.give_back(job.user_id)
        return True

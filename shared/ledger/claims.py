"""Stage claims: a worker owns a stage of a job while its lease runs, and only one worker at a time.

A stage is claimed by setting it `running` with an owner and a lease only if it is `pending`, or
`running` with an expired lease, and only once the stages it requires are done. That is what
makes at-least-once delivery safe: two deliveries of the same event cannot both run. The
owner renews the lease, checkpoints paid work, or releases the claim after a transient failure.
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass
from typing import Literal

from shared.job import DONE_STAGE_STATUSES, Job
from shared.ledger.expressions import GATE_NOT_CLOSED, HELD_BY_OWNER, UNIT_PATH, Expression, held_by_owner
from shared.ledger.items import now_iso
from shared.ledger.table import JobsTable

ClaimKind = Literal["claimed", "resumed", "done", "busy", "not_ready", "ended", "missing", "failed", "stale", "gated"]

# Only a delivery of the job's current version may claim (a job written before versions has none: version 1).
# A review job awaiting approval may still redo work before its gate (keyframes after a storyboard edit).
_CLAIMABLE = (
    "#status IN (:queued, :running, :awaiting_approval, :composing) AND (attribute_not_exists(#ver) OR #ver = :version)"
    " AND (#st.#s.#status = :pending OR (#st.#s.#status = :running AND #st.#s.lease_expires_at < :now))"
)
_TAKE = (
    "SET #st.#s.#status = :running, #st.#s.#owner = :owner, #st.#s.lease_expires_at = :lease,"
    " #st.#s.started_at = if_not_exists(#st.#s.started_at, :now), #st.#s.attempts = #st.#s.attempts + :one,"
    " #status = :job_status, updated_at = :updated"
)
EXTEND = Expression("SET #st.#s.lease_expires_at = :lease", HELD_BY_OWNER)
CHECKPOINT = Expression("SET #st.#s.checkpoints.#k = :v", "#st.#s.#owner = :owner")
RELEASE = Expression("SET #st.#s.lease_expires_at = :zero, #st.#s.#error = :error", HELD_BY_OWNER)
# The same three on one unit of a stage's work (`stages.<stage>.scenes.<index>`).
EXTEND_UNIT = Expression("SET #st.#s.#sc.#i.lease_expires_at = :lease", held_by_owner(UNIT_PATH))
CHECKPOINT_UNIT = Expression("SET #st.#s.#sc.#i.checkpoints.#k = :v", "#st.#s.#sc.#i.#owner = :owner")
RELEASE_UNIT = Expression(
    "SET #st.#s.#sc.#i.lease_expires_at = :zero, #st.#s.#sc.#i.#error = :error", held_by_owner(UNIT_PATH)
)


def slot(stage_name: str, unit: int | None) -> tuple[dict[str, str], bool]:
    """The names of a stage's record, or of one of its units' records; True when it is a unit."""
    if unit is None:
        return {"#s": stage_name}, False
    return {"#s": stage_name, "#i": str(unit)}, True


@dataclass(frozen=True)
class Claim:
    kind: ClaimKind
    job: Job | None

    @property
    def granted(self) -> bool:
        return self.kind in {"claimed", "resumed"}


@functools.cache
def claim_expression(required: int, after_approval: bool = False) -> Expression:
    """The claim of a stage that requires `required` other stages (`#r0`…) to be done first; a stage released
    only by approval is refused while the job's gate is closed."""
    ready = "".join(f" AND #st.#r{i}.#status IN (:succeeded, :skipped)" for i in range(required))
    gate = f" AND {GATE_NOT_CLOSED}" if after_approval else ""
    return Expression(_TAKE, _CLAIMABLE + ready + gate)


def refusal(
    job: Job | None,
    stage_name: str,
    requires: tuple[str, ...],
    now: float,
    version: int = 1,
    *,
    after_approval: bool = False,
) -> Claim:
    """Why a claim the ledger refused was refused, read from the job as it is now.

    A delivery for an older version than the job's (a revision started since) is `stale`, whatever
    the stage's state: the stage's record belongs to the newer version now.
    """
    if job is None:
        return Claim("missing", None)
    if job.version != version:
        return Claim("stale", job)
    state = job.stage(stage_name)
    if state.done:
        return Claim("done", job)
    if job.terminal:
        return Claim("ended", job)
    if state.status == "failed":
        return Claim("failed", job)
    if after_approval and job.gate_closed:
        return Claim("gated", job)  # approval re-publishes what wakes this stage
    if state.status == "running" and (state.lease_expires_at or 0) >= now:
        return Claim("busy", job)
    if any(job.stage(name).status not in DONE_STAGE_STATUSES for name in requires):
        return Claim("not_ready", job)
    return Claim("busy", job)  # lost a race for the claim: the winner owns it


class Claims:
    def __init__(self, table: JobsTable) -> None:
        self._table = table

    async def claim(
        self,
        job_id: str,
        stage_name: str,
        *,
        requires: tuple[str, ...],
        job_status: str,
        owner: str,
        lease_s: float,
        after_approval: bool = False,
        version: int = 1,
    ) -> Claim:
        """Claims the stage of the job's `version` for `owner`; when refused, says why (done, busy elsewhere,
        not ready, job ended, a delivery of an older version)."""
        now = time.time()
        names = {"#s": stage_name} | {f"#r{i}": name for i, name in enumerate(requires)}
        values = {
            ":now": now,
            ":lease": now + lease_s,
            ":owner": owner,
            ":one": 1,
            ":updated": now_iso(),
            ":job_status": job_status,
            ":version": version,
        }
        job = await self._table.update(job_id, claim_expression(len(requires), after_approval), names, values)
        if job is not None:
            return Claim("resumed" if job.stage(stage_name).attempts > 1 else "claimed", job)
        return refusal(
            await self._table.get_job(job_id), stage_name, requires, now, version, after_approval=after_approval
        )

    async def extend_lease(
        self, job_id: str, stage_name: str, *, owner: str, lease_s: float, unit: int | None = None
    ) -> bool:
        names, is_unit = slot(stage_name, unit)
        values = {":lease": time.time() + lease_s, ":owner": owner}
        return await self._table.update(job_id, EXTEND_UNIT if is_unit else EXTEND, names, values) is not None

    async def put_checkpoint(
        self, job_id: str, stage_name: str, *, owner: str, key: str, value: str, unit: int | None = None
    ) -> bool:
        names, is_unit = slot(stage_name, unit)
        expression = CHECKPOINT_UNIT if is_unit else CHECKPOINT
        return (
            await self._table.update(job_id, expression, names | {"#k": key}, {":v": value, ":owner": owner})
            is not None
        )

    async def release(self, job_id: str, stage_name: str, *, owner: str, error: str, unit: int | None = None) -> bool:
        """Gives up a claim after a transient failure, so the redelivered message can claim at once."""
        names, is_unit = slot(stage_name, unit)
        values = {":zero": 0, ":error": error[:500], ":owner": owner}
        return await self._table.update(job_id, RELEASE_UNIT if is_unit else RELEASE, names, values) is not None

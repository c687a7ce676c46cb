"""Stage and job transitions: a stage's outcome, and a job completed, failed, cancelled or retried.

Every transition is a conditional write that holds only from the state it leaves, so a late or
duplicate writer changes nothing. When a job ends (or a retry revives it) the user's count of
unfinished jobs moves with it.
"""

from __future__ import annotations

import functools
import time

from shared.job import Job
from shared.ledger.active_jobs import ActiveJobs, TooManyActiveJobs
from shared.ledger.expressions import HELD_BY_OWNER, JOB_OPEN, Expression
from shared.ledger.items import now_iso
from shared.ledger.table import JobsTable
from shared.ledger.usage import add_usage

_RECORD_OUTCOME = (
    "SET #st.#s.#status = :outcome, #st.#s.finished_at = :now, #st.#s.event = :event,"
    " #st.#s.cost_usd = :cost, updated_at = :updated"
)
COMPLETE_STAGE = Expression(f"{_RECORD_OUTCOME} ADD cost_usd :cost", HELD_BY_OWNER)
COMPLETE_JOB = Expression(
    f"{_RECORD_OUTCOME}, #status = :completed, outputs = :outputs, video_duration_s = :dur, finished_at = :now"
    " ADD cost_usd :cost",
    f"{HELD_BY_OWNER} AND #status = :job_status",
)
FAIL_JOB = Expression(
    "SET #status = :failed, error_stage = :stage, error_reason = :reason, finished_at = :now,"
    " #st.#s.#status = :failed, #st.#s.#error = :reason, #st.#s.finished_at = :now, updated_at = :updated",
    JOB_OPEN,
)
CANCEL_JOB = Expression("SET #status = :cancelled, finished_at = :now, updated_at = :updated", JOB_OPEN)
_RETRY = "SET #status = :running, generation = generation + :one, updated_at = :updated"
_FORGET_FAILURE = "REMOVE error_stage, error_reason, finished_at"


@functools.cache
def retry_expression(failed: int, failed_units: int = 0) -> Expression:
    """A failed job back to running with its `failed` stages (`#f0`…) pending again, and its failed units
    (unit `#h0` of stage `#g0`, …: a failed scene) pending again too."""
    sets = "".join(f", #st.#f{i}.#status = :pending, #st.#f{i}.lease_expires_at = :zero" for i in range(failed))
    sets += "".join(
        f", #st.#g{j}.#sc.#h{j}.#status = :pending, #st.#g{j}.#sc.#h{j}.lease_expires_at = :zero"
        for j in range(failed_units)
    )
    removes = "".join(f", #st.#f{i}.#error, #st.#f{i}.finished_at" for i in range(failed))
    removes += "".join(f", #st.#g{j}.#sc.#h{j}.#error, #st.#g{j}.#sc.#h{j}.finished_at" for j in range(failed_units))
    return Expression(f"{_RETRY}{sets} {_FORGET_FAILURE}{removes}", "#status = :failed")


class Transitions:
    def __init__(self, table: JobsTable, active: ActiveJobs, *, usage_table: str) -> None:
        self._table = table
        self._active = active
        self._usage_table = usage_table

    async def complete_stage(
        self, job_id: str, stage_name: str, *, owner: str, event_json: str, cost_usd: float, skipped: bool = False
    ) -> bool:
        """Records the stage's outcome and its completion event (re-published verbatim on duplicates)."""
        values = {
            ":outcome": "skipped" if skipped else "succeeded",
            ":now": time.time(),
            ":event": event_json,
            ":cost": round(cost_usd, 6),
            ":owner": owner,
            ":updated": now_iso(),
        }
        return await self._table.update(job_id, COMPLETE_STAGE, {"#s": stage_name}, values) is not None

    async def complete_job(
        self,
        job: Job,
        stage_name: str,
        *,
        owner: str,
        job_status: str,
        event_json: str,
        stage_cost_usd: float,
        outputs: dict[str, str],
        video_duration_s: float,
    ) -> bool:
        """The last stage's outcome, the job's completion and the user's usage, in one transaction.

        Written apart, a crash between them could leave a job `composing` for ever behind a stage
        that is done, or a completed job whose usage was never counted. `job.cost_usd` is the current
        version's (a revision starts it at zero), so each version's cost is counted once.
        """
        values = {
            ":outcome": "succeeded",
            ":job_status": job_status,
            ":owner": owner,
            ":now": time.time(),
            ":event": event_json,
            ":cost": round(stage_cost_usd, 6),
            ":outputs": outputs,
            ":dur": video_duration_s,
            ":updated": now_iso(),
        }
        finish = self._table.update_request(job.job_id, COMPLETE_JOB, {"#s": stage_name}, values)
        usage = add_usage(
            self._usage_table,
            job.user_id,
            jobs=1 if job.version == 1 else 0,  # a revision is the same job: its video and cost count, not a job
            video_s=video_duration_s,
            cost_usd=job.cost_usd + stage_cost_usd,
        )
        if not await self._table.transact([{"Update": finish}, {"Update": usage}]):
            return False
        await self._active.give_back(job.user_id)
        return True

    async def fail_job(self, job: Job, *, stage_name: str, reason: str) -> bool:
        """Marks the job failed with the stage and a plain-words reason; False when it had already ended."""
        values = {":stage": stage_name, ":reason": reason[:500], ":now": time.time(), ":updated": now_iso()}
        return await self._ended(job, await self._table.update(job.job_id, FAIL_JOB, {"#s": stage_name}, values))

    async def cancel_job(self, job: Job) -> bool:
        values = {":now": time.time(), ":updated": now_iso()}
        return await self._ended(job, await self._table.update(job.job_id, CANCEL_JOB, values=values))

    async def reset_for_retry(self, job: Job, *, max_active: int | None = None) -> bool:
        """Turns a failed job's failed stages back to pending; finished stages stay finished.

        The revived job takes one of the user's `max_active` places first, like a new job
        (`TooManyActiveJobs` when none is left); without a cap (an operator's replay) it always does.
        """
        if not await self._active.take(job.user_id, cap=max_active):
            raise TooManyActiveJobs(job.user_id)
        failed = [name for name, state in job.stages.items() if state.status in {"failed", "running"}]
        failed_units = [
            (name, index) for name, state in job.stages.items() for index, unit in (state.scenes or {}).items()
            if unit.status == "failed"
        ]  # fmt: skip
        names = {f"#f{i}": name for i, name in enumerate(failed)}
        names |= {f"#g{j}": name for j, (name, _) in enumerate(failed_units)}
        names |= {f"#h{j}": index for j, (_, index) in enumerate(failed_units)}
        values = {":zero": 0, ":one": 1, ":updated": now_iso()}
        expression = retry_expression(len(failed), len(failed_units))
        if await self._table.update(job.job_id, expression, names, values) is None:
            await self._active.give_back(job.user_id)  # not failed (any more): the place goes back
            return False
        return True

    async def _ended(self, job: Job, written: Job | None) -> bool:
        if written is None:
            return False
        await self._active.give_back(job.user_id)
        return True

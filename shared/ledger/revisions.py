"""Starting a job's next version (a revision), in one transaction with its idempotency marker.

The job item is rewritten from the version it was read at: only a completed or failed job whose
version is still the one read can move on, so two racing revisions make one version. The write
keeps the ended version's record (status, outputs, cost), resets every stage to pending while
carrying its checkpoints (content-addressed, so the new version pays only for what changed),
zeroes the job's cost (a version's cost is what it paid), and marks the job's `job.submitted` as
still to publish (the outbox), so a gateway dying before it publishes cannot strand the version.
A reviewed version closes the job's gate again (it stops at its storyboard, as a review job does);
any other version runs through, whatever gate its job had.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from shared.job import Job, StageState
from shared.ledger.active_jobs import ActiveJobs, TooManyActiveJobs
from shared.ledger.expressions import Expression
from shared.ledger.idempotency import put_marker, read_marker, revision_scope
from shared.ledger.items import now_iso
from shared.ledger.outbox import PENDING
from shared.ledger.table import JobsTable
from shared.quote import Quote
from shared.versions import Redo, VersionRecord, carried_checkpoints

REVISABLE = ("completed", "failed")


@functools.cache
def start_version(review: bool) -> Expression:
    """The next version's write: the gate closed for a reviewed version (`#gate`, `:closed`), else removed."""
    closed, removed = (", #gate = :closed", "") if review else ("", ", #gate")
    return Expression(
        "SET #ver = :to_version, #status = :queued, stages = :stages, #vs = :versions, cost_usd = :zero,"
        f" outputs = :no_outputs, outbox = :pending, updated_at = :updated{closed}"
        f" REMOVE error_stage, error_reason, finished_at, video_duration_s, awaiting_since{removed}",
        "#status IN (:completed, :failed) AND (attribute_not_exists(#ver) OR #ver = :from_version)",
    )


class RevisionRefused(Exception):
    """The job is not (or no longer) at the version and state a revision was asked from."""


@dataclass(frozen=True)
class Started:
    version: int
    created: bool  # False: the same Idempotency-Key made this version before


def next_versions(
    job: Job, *, script_key: str, redo: Redo, created_at: str, estimate: Quote | None = None, review: bool = False
) -> dict[str, VersionRecord]:
    """The job's version records once the next version starts: the ended one closed, the new one opened."""
    (*_, ended) = job.version_records()
    opened = VersionRecord(
        version=job.version + 1, created_at=created_at, script_key=script_key, redo=redo, estimate=estimate,
        review=review,
    )  # fmt: skip
    return {**job.versions, str(job.version): ended, str(opened.version): opened}


def fresh_stages(job: Job) -> dict[str, StageState]:
    """Every stage pending again (its units too: they are opened afresh), each keeping the checkpoints a new
    version may reuse, its units' included (gathered on the stage, where a new unit finds them)."""
    fresh = {}
    for name, state in job.stages.items():
        units: dict[str, StageState] = getattr(state, "scenes", None) or {}
        gathered = {key: value for unit in units.values() for key, value in unit.checkpoints.items()}
        fresh[name] = StageState(checkpoints=carried_checkpoints({**gathered, **state.checkpoints}))
    return fresh


class Revisions:
    def __init__(self, table: JobsTable, active: ActiveJobs) -> None:
        self._table = table
        self._active = active

    async def existing(self, job: Job, *, idempotency_key: str, request_hash: str) -> int | None:
        """The version this key already made on this job, if any (`IdempotencyConflict` for another body)."""
        marker = await read_marker(
            self._table,
            user_id=job.user_id,
            idempotency_key=revision_scope(job.job_id, idempotency_key),
            request_hash=request_hash,
        )
        return int(marker["target_version"]) if marker is not None else None

    async def start(
        self,
        job: Job,
        *,
        script_key: str,
        redo: Redo,
        estimate: Quote | None = None,
        idempotency_key: str | None = None,
        request_hash: str = "",
        max_active: int | None = None,
        review: bool = False,
    ) -> Started:
        """Starts `job.version + 1` from `job` as read; `RevisionRefused` when the job moved or is not revisable.

        The revived job takes one of the user's places like a new one (`TooManyActiveJobs` at the cap). With
        `review` it stops at its storyboard for approval before the paid stages after the gate.
        """
        if job.status not in REVISABLE:
            raise RevisionRefused(f"only a completed or failed job can be revised (this one is {job.status})")
        if not await self._active.take(job.user_id, cap=max_active):
            raise TooManyActiveJobs(job.user_id)
        values = self._values(job, script_key, redo, estimate, review)
        update = self._table.update_request(job.job_id, start_version(review), {"#vs": "versions"}, values)
        items: list[dict[str, Any]] = [{"Update": update}]
        if idempotency_key:
            scoped = revision_scope(job.job_id, idempotency_key)
            items.append({"Put": put_marker(self._table, user_id=job.user_id, idempotency_key=scoped,
                                            job_id=job.job_id, request_hash=request_hash,
                                            target_version=job.version + 1)})  # fmt: skip
        if await self._table.transact(items):
            return Started(job.version + 1, created=True)
        await self._active.give_back(job.user_id)  # not started: the place goes back
        if idempotency_key:
            made = await self.existing(job, idempotency_key=idempotency_key, request_hash=request_hash)
            if made is not None:
                return Started(made, created=False)
        raise RevisionRefused("the job changed since it was read (another revision started, or it is running)")

    @staticmethod
    def _values(job: Job, script_key: str, redo: Redo, estimate: Quote | None, review: bool) -> dict[str, Any]:
        versions = next_versions(
            job, script_key=script_key, redo=redo, created_at=now_iso(), estimate=estimate, review=review
        )
        return {
            ":to_version": job.version + 1,
            ":from_version": job.version,
            ":stages": {name: s.model_dump(mode="json", exclude_none=True) for name, s in fresh_stages(job).items()},
            ":versions": {number: r.model_dump(mode="json", exclude_none=True) for number, r in versions.items()},
            ":zero": 0,
            ":no_outputs": {},
            ":pending": PENDING,
            ":updated": now_iso(),
        }

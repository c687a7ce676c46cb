"""The job ledger on DynamoDB: every state transition is a conditional write.

One module per concept: `items` (serialisation and record kinds), `expressions` (the
expressions, declared once), `table` (conditional writes), `jobs` (new jobs and a user's list),
`idempotency` (markers), `outbox` (announcements still to make), `active_jobs` (the per-user
counter), `claims` (stage claims and leases), `transitions` (stage and job outcomes), `units` (a stage's units of
work and their join), `revisions` (a job's next version), `gate` (a review job's approval gate), `usage`,
`assets` (uploads), `quote_allowance` (quotes a language model writes, per user and hour).
`Ledger` is the one face callers use.
"""

from __future__ import annotations

from typing import Any

from shared.job import Job
from shared.ledger.active_jobs import ActiveJobs, TooManyActiveJobs
from shared.ledger.assets import Assets
from shared.ledger.claims import Claim, ClaimKind, Claims
from shared.ledger.gate import Gate
from shared.ledger.idempotency import IdempotencyConflict, first_job_id, put_marker
from shared.ledger.jobs import UserJobs, new_job, put_job
from shared.ledger.outbox import Outbox
from shared.ledger.quote_allowance import QuoteAllowance
from shared.ledger.revisions import RevisionRefused, Revisions, Started
from shared.ledger.table import JobsTable
from shared.ledger.transitions import Transitions
from shared.ledger.units import Units
from shared.ledger.usage import read_usage
from shared.quote import Quote
from shared.request import AdRequest
from shared.topology import JOB_STAGES, JOBS_BY_USER_INDEX, OUTBOX_INDEX

__all__ = [
    "Claim", "ClaimKind", "IdempotencyConflict", "Ledger", "RevisionRefused", "Started", "TooManyActiveJobs",
]  # fmt: skip


class Ledger:
    def __init__(self, dynamodb: Any, *, jobs_table: str, usage_table: str) -> None:
        self._db = dynamodb
        self.jobs_table = jobs_table
        self.usage_table = usage_table
        self._table = JobsTable(dynamodb, jobs_table)
        self._user_jobs = UserJobs(self._table, JOBS_BY_USER_INDEX)
        self.active = ActiveJobs(dynamodb, table=jobs_table, count_unfinished=self._user_jobs.count_unfinished)
        self._claims = Claims(self._table)
        self._transitions = Transitions(self._table, self.active, usage_table=usage_table)
        self.extend_lease = self._claims.extend_lease
        self.put_checkpoint = self._claims.put_checkpoint
        self.release_stage = self._claims.release
        self.complete_stage = self._transitions.complete_stage
        self.complete_job = self._transitions.complete_job
        self.fail_job = self._transitions.fail_job
        self.cancel_job = self._transitions.cancel_job
        self.reset_for_retry = self._transitions.reset_for_retry
        self.outbox = Outbox(self._table, OUTBOX_INDEX)
        self.gate = Gate(self._table, self.active)
        self.units = Units(self._table)  # a stage's units of work (the clips stage's scenes)
        self.assets = Assets(dynamodb, table=jobs_table)
        self.revisions = Revisions(self._table, self.active)
        self.quotes = QuoteAllowance(dynamodb, usage_table)

    async def create_job(
        self,
        *,
        job_id: str,
        user_id: str,
        request: AdRequest,
        correlation_id: str,
        idempotency_key: str | None = None,
        request_hash: str | None = None,
        max_active: int | None = None,
        estimate: Quote | None = None,
    ) -> tuple[Job, bool]:
        """Writes a new queued job; with an idempotency key, a repeat returns the first job (created=False).

        The job takes one of the user's `max_active` places first (`TooManyActiveJobs` when none is left).
        """
        job = new_job(
            job_id=job_id,
            user_id=user_id,
            request=request,
            stage_names=(s.name for s in JOB_STAGES),
            correlation_id=correlation_id,
            idempotency_key=idempotency_key,
            request_hash=request_hash,
            estimate=estimate,
        )
        if not await self.active.take(user_id, cap=max_active):
            raise TooManyActiveJobs(user_id)
        if not idempotency_key:
            await self._db.put_item(**put_job(self._table, job))
            return job, True
        marker = put_marker(
            self._table,
            user_id=user_id,
            idempotency_key=idempotency_key,
            job_id=job_id,
            request_hash=request_hash or "",
        )
        if await self._table.transact([{"Put": put_job(self._table, job)}, {"Put": marker}]):
            return job, True
        await self.active.give_back(user_id)  # a repeat: the first job holds the place
        first = await self.get_job(
            await first_job_id(
                self._table, user_id=user_id, idempotency_key=idempotency_key, request_hash=request_hash or ""
            )
        )
        if first is None:
            raise RuntimeError("idempotency marker points at a missing job")
        return first, False

    async def get_job(self, job_id: str) -> Job | None:
        return await self._table.get_job(job_id)

    async def list_jobs(
        self, user_id: str, *, limit: int = 20, cursor: str | None = None
    ) -> tuple[list[Job], str | None]:
        """The user's jobs, newest first; `cursor` is opaque and comes from the previous page."""
        return await self._user_jobs.page(user_id, limit=limit, cursor=cursor)

    async def claim_stage(
        self,
        job_id: str,
        stage_name: str,
        *,
        owner: str,
        lease_s: float,
        requires: tuple[str, ...] = (),
        job_status: str = "running",
        after_approval: bool = False,
        version: int = 1,
    ) -> Claim:
        """Claims the stage once the stages it `requires` are done (and, for a stage released by approval, once a
        review job is approved); the job's status becomes `job_status`.

        `version` is the delivered event's: only the job's current version may claim (else `stale`).
        """
        return await self._claims.claim(
            job_id,
            stage_name,
            requires=requires,
            job_status=job_status,
            owner=owner,
            lease_s=lease_s,
            after_approval=after_approval,
            version=version,
        )

    async def get_usage(self, user_id: str) -> list[dict[str, Any]]:
        return await read_usage(self._db, self.usage_table, user_id)

"""What a stage's outcome does to its job: recorded in the ledger once, then announced.

Delivery decides *whether* an attempt succeeded, failed for good or will be retried; this module writes the
consequence. A result is recorded as the stage's (or the unit's) completion, or, for the stage declared to
complete the job, as the job's completion with its outputs and usage, in one transaction; only a recorded
result is published, so a worker that lost its claim publishes nothing. A permanent failure fails the job
and its assets; a review job whose work before the gate is done is moved to the gate and announced.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from shared.asset_tags import mark_failed_assets
from shared.connections import Connections
from shared.events import Event
from shared.job import Job
from shared.metrics import METRICS
from shared.payloads import JobAwaitingApprovalPayload, JobCompletedPayload
from shared.stage import StageResult
from shared.topology import AWAITING_APPROVAL_EVENT, PRE_GATE_STAGES, Stage


class StageOutcomes:
    """The ledger writes and announcements for one stage's outcomes, made by `owner` (this process)."""

    def __init__(self, stage: Stage, conn: Connections, owner: str) -> None:
        self.stage, self.conn, self.owner = stage, conn, owner

    async def record(
        self, job: Job, result: StageResult, log: Any, *, elapsed_s: float, unit: int | None = None
    ) -> None:
        event = job.event(result.event_type, result.payload)
        if unit is not None:
            recorded = await self.conn.ledger.units.complete(
                job.job_id,
                self.stage.name,
                unit,
                owner=self.owner,
                event_json=event.model_dump_json(),
                cost_usd=result.cost_usd,
            )
        elif self.stage.completes_job:
            recorded = await self._complete_job(job, result, event)
        else:
            recorded = await self.conn.ledger.complete_stage(
                job.job_id,
                self.stage.name,
                owner=self.owner,
                event_json=event.model_dump_json(),
                cost_usd=result.cost_usd,
                skipped=result.skipped,
            )
        if not recorded:
            log.warning("stage.claim_lost", detail="another worker took over this stage; its outcome stands")
            return
        await self.conn.bus.publish(event)
        if unit is not None:
            log.info("unit.completed", unit=unit, elapsed_s=round(elapsed_s, 3), cost_usd=result.cost_usd)
            return
        log.info("stage.completed", elapsed_s=round(elapsed_s, 3), cost_usd=result.cost_usd, skipped=result.skipped)
        METRICS.stage_succeeded(self.stage.name, elapsed_s)
        await self.await_approval_if_due(job, log)

    async def await_approval_if_due(self, job: Job, log: Any) -> None:
        """A review job whose work before the gate is all done now awaits approval, announced to its webhook.

        The ledger decides (one conditional write: gate closed, every stage before it done), so of the stages
        finishing last only one moves the job, and a stage after the gate never does. A redelivery finding the
        job already waiting announces it again: the attempt that moved it may have died before announcing, and
        the event's id is the same, so a webhook receiver (deduplicating on it) sees it once either way.
        """
        if not job.gate_closed or self.stage not in PRE_GATE_STAGES:
            return
        waiting = await self.conn.ledger.gate.reach(job.job_id, tuple(s.name for s in PRE_GATE_STAGES))
        if waiting is None:
            if job.status != "awaiting_approval":
                return
            waiting = job
        expires = datetime.fromtimestamp(
            (waiting.awaiting_since or time.time()) + self.conn.settings.review_expiry_s, UTC
        )
        await self.conn.bus.publish(job.event(AWAITING_APPROVAL_EVENT, JobAwaitingApprovalPayload(expires_at=expires)))
        log.info("job.awaiting_approval", expires_at=expires.isoformat())

    async def fail(self, job: Job, reason: str, log: Any, *, unit: int | None = None) -> None:
        """Fails the job for good (a permanent error, or a stage that kept failing); the unit, if any, too."""
        if unit is not None and self.stage.units is not None:
            # The unit's own record keeps the cause; the job's error names the unit ("scene 3: ...").
            await self.conn.ledger.units.fail(job.job_id, self.stage.name, unit, owner=self.owner, reason=reason)
            reason = f"{self.stage.units.label(unit)}: {reason}"
        log.warning("stage.failed", reason=reason)
        METRICS.stage_failed(self.stage.name)
        if await self.conn.ledger.fail_job(job, stage_name=self.stage.name, reason=reason):
            await self.conn.bus.publish(job.event("job.failed", {"stage": self.stage.name, "reason": reason}))
            await mark_failed_assets(self.conn.storage, job)  # kept for the retention window, then expired

    async def _complete_job(self, job: Job, result: StageResult, event: Event) -> bool:
        """The stage declared to complete the job hands over the job's outputs with its outcome."""
        outcome = result.payload
        if not isinstance(outcome, JobCompletedPayload):
            raise TypeError(f"the {self.stage.name} stage completes the job but returned {type(outcome).__name__}")
        return await self.conn.ledger.complete_job(
            job,
            self.stage.name,
            owner=self.owner,
            job_status=self.stage.job_status_while_running,
            event_json=event.model_dump_json(),
            stage_cost_usd=result.cost_usd,
            outputs=outcome.outputs(),
            video_duration_s=outcome.duration_s,
        )

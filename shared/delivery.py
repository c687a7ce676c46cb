"""One delivery of one message to a stage: parse, claim, run with a heartbeat, record the outcome.

The delivery guarantees live here, once:
- a poison body or an unknown job is left for the DLQ (visibility 0, so redrive is quick), with a log line;
- a refused claim is settled by `shared.refusal.decide` (duplicate of finished work: re-publish the
  stored completion event and ack; work elsewhere, inputs not ready, job ended: ack; a silent owner: wait);
- a permanent error fails the job at once; a transient one is retried by redelivery with a growing
  visibility timeout, and on the last allowed receive the job is marked failed before the DLQ takes it.
What a stage means to the job (its requirements, whether it completes the job, whether it is a side
stage) is read from its declaration in `shared.topology`; what an outcome writes and announces is
`shared.outcomes`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable
from pathlib import Path
from typing import Any

import structlog

from shared.attempt import Lease, LedgerCheckpoints, RedeliveryBackoff, describe, workdir
from shared.connections import Connections
from shared.errors import JobCancelled, PermanentError
from shared.events import Event, PoisonMessage, parse_event
from shared.job import Job
from shared.ledger import Claim
from shared.metrics import METRICS
from shared.outcomes import StageOutcomes
from shared.queue import Message, Queue
from shared.refusal import Ack, DeadLetter, Decision, Defer, LeaseFacts, decide
from shared.stage import Handler, SideHandler, StageContext, StageResult, UnitsHandler, stage_context
from shared.topology import Stage


class Delivery:
    """Handles messages for one stage in one process; `owner` identifies this process in leases."""

    def __init__(
        self,
        stage: Stage,
        handler: Handler | SideHandler | UnitsHandler,
        conn: Connections,
        queue: Queue,
        *,
        owner: str,
    ) -> None:
        self.stage = stage
        self.handler = handler
        self.conn = conn
        self.queue = queue
        self.owner = owner
        settings = conn.settings
        lease_s = settings.lease_s or float(stage.visibility_timeout_s)
        heartbeat_s = settings.heartbeat_every_s or lease_s / 3
        self.lease = Lease(conn.ledger, stage.name, owner, lease_s, heartbeat_s, stage.visibility_timeout_s)
        self.backoff = RedeliveryBackoff(settings.retry_base_s, settings.retry_max_s)
        self.outcomes = StageOutcomes(stage, conn, owner)
        self.log = structlog.get_logger().bind(stage=stage.name, queue=queue.name)

    async def handle(self, message: Message) -> None:
        event = await self._parse(message)
        if event is None:
            return
        log = self.log.bind(
            job_id=event.job_id, event_id=event.event_id, event_type=event.event_type, attempt=message.receive_count
        )
        if not self.stage.in_job:
            await self._run_side_stage(event, message, log)
            return
        claim = await self.conn.ledger.claim_stage(
            event.job_id,
            self.stage.name,
            owner=self.owner,
            lease_s=self.lease.lease_s,
            requires=self.stage.requires,
            job_status=self.stage.job_status_while_running,
            after_approval=self.stage.after_approval,
            version=event.version,
        )
        if claim.granted and claim.job is not None:
            with METRICS.in_flight(self.stage.name):
                await self._run_claimed(event, claim.job, message, log.bind(resumed=claim.kind == "resumed"))
            return
        await self._settle_refusal(claim, message, log)

    async def _parse(self, message: Message) -> Event | None:
        """The message's event; a poison body is left for the DLQ (None)."""
        try:
            return parse_event(message.body)
        except PoisonMessage as exc:
            await self._leave_for_dlq(message, "message.poison", str(exc))
            return None

    async def _settle_refusal(self, claim: Claim, message: Message, log: Any) -> None:
        state = claim.job.stage(self.stage.name) if claim.job else None
        decision = decide(
            claim.kind,
            lease=LeaseFacts(state.lease_expires_at if state else None, self.lease.lease_s, self.lease.heartbeat_s),
            stored_event=claim.job.completion_event(self.stage.name) if claim.job else None,
            now=time.time(),
        )
        if claim.kind == "done" and claim.job is not None:
            await self.outcomes.await_approval_if_due(claim.job, log)  # heals a crash before the gate was reached
        await self._execute(decision, message, log)

    async def _execute(self, decision: Decision, message: Message, log: Any) -> None:
        match decision:
            case DeadLetter(reason):
                await self._leave_for_dlq(message, "message.unknown_job", reason)
            case Defer(delay_s):
                log.info("stage.owner_silent", retry_in_s=delay_s)
                await self.queue.set_visibility(message, delay_s)
            case Ack(reason, republish):
                if republish is not None:
                    await self.conn.bus.publish(republish)
                if reason == "duplicate":
                    log.info("stage.duplicate_republished", republished=republish is not None)
                else:
                    log.info("stage.not_claimed", reason=reason)
                await self.queue.delete(message)

    async def _run_claimed(
        self, event: Event, job: Job, message: Message, log: Any, *, unit: int | None = None
    ) -> None:
        """Runs the claimed stage (or its claimed `unit`, for a stage with units) with a heartbeat."""
        log.info("unit.started" if unit is not None else "stage.started")
        started = time.monotonic()
        state = job.stage(self.stage.name)
        checkpoints = dict((state if unit is None else state.unit(unit)).checkpoints)
        try:
            async with (
                self.lease.kept(job.job_id, self.queue, message, log, unit=unit),
                self._workdir(job.job_id) as path,
            ):
                ctx = self._context(job, path, log, checkpoints=checkpoints, unit=unit)
                attempt = self._attempt(event, ctx, unit)
                result = await asyncio.wait_for(attempt, self.stage.attempt_timeout_s)
                if result is None:
                    raise PermanentError(f"the {self.stage.name} stage produced no result")
        except JobCancelled:
            log.info("stage.cancelled")
            await self.queue.delete(message)
        except PermanentError as exc:
            await self.outcomes.fail(job, str(exc), log, unit=unit)
            await self.queue.delete(message)
        except Exception as exc:  # anything else is transient: retried by redelivery
            await self._retry_or_give_up(job, message, exc, log, unit=unit)
        else:
            await self.outcomes.record(job, result, log, elapsed_s=time.monotonic() - started, unit=unit)
            await self.queue.delete(message)

    def _attempt(self, event: Event, ctx: StageContext, unit: int | None) -> Awaitable[StageResult | None]:
        """The handler's work on this delivery (a stage with units overrides it to run one unit)."""
        if isinstance(self.handler, UnitsHandler):
            raise TypeError(f"the {self.stage.name} stage's handler runs units: deliver with shared.fanout")
        return self.handler(event, ctx)

    async def _retry_or_give_up(
        self, job: Job, message: Message, exc: Exception, log: Any, *, unit: int | None = None
    ) -> None:
        reason = describe(exc)
        if message.receive_count >= self.stage.max_receive_count:
            # The user reads a sentence; the cause (`reason`, in this log line) stays with the operators.
            log.warning("stage.kept_failing", reason=reason, attempts=message.receive_count)
            await self.outcomes.fail(
                job, f"the {self.stage.name} stage kept failing after {message.receive_count} attempts", log, unit=unit
            )
            await self.queue.set_visibility(message, 0)  # the next receive moves it to the DLQ
            return
        delay_s = self.backoff.delay_s(message.receive_count)
        log.warning("stage.retrying", reason=reason, retry_in_s=delay_s)
        METRICS.stage_retried(self.stage.name)
        await self.conn.ledger.release_stage(
            job.job_id, self.stage.name, owner=self.owner, error="a temporary problem; trying again", unit=unit
        )
        await self.queue.set_visibility(message, delay_s)

    async def _run_side_stage(self, event: Event, message: Message, log: Any) -> None:
        """A side stage (declared `in_job=False`, the notifier): no claim, the handler must be idempotent."""
        job = await self.conn.ledger.get_job(event.job_id)
        if job is None:
            await self._leave_for_dlq(message, "message.unknown_job", "no such job in the ledger")
            return
        try:
            async with self._workdir(job.job_id) as path:
                ctx = self._context(job, path, log, checkpoints={})
                await asyncio.wait_for(self._attempt(event, ctx, None), self.stage.attempt_timeout_s)
        except PermanentError as exc:
            log.warning("stage.gave_up", reason=str(exc))
        except Exception as exc:
            if message.receive_count < self.stage.max_receive_count:
                await self.queue.set_visibility(message, self.backoff.delay_s(message.receive_count))
            log.warning("stage.retrying", reason=describe(exc))
            return
        await self.queue.delete(message)

    def _context(
        self, job: Job, path: Path, log: Any, *, checkpoints: dict[str, str], unit: int | None = None
    ) -> StageContext:
        return stage_context(
            job,
            storage=self.conn.storage,
            settings=self.conn.settings,
            workdir=path,
            checkpoints=LedgerCheckpoints(
                self.conn.ledger, job.job_id, self.stage.name, self.owner, checkpoints, unit=unit
            ),
            cancelled=lambda: self._is_cancelled(job.job_id),
            log=log,
        )

    def _workdir(self, job_id: str) -> Any:
        return workdir(self.conn.settings.workdir, f"{self.stage.name}-{job_id[:12]}-")

    async def _leave_for_dlq(self, message: Message, event_name: str, error: str) -> None:
        self.log.error(
            event_name, message_id=message.message_id, receive_count=message.receive_count, error=error[:300]
        )
        await self.queue.set_visibility(message, 0)

    async def _is_cancelled(self, job_id: str) -> bool:
        job = await self.conn.ledger.get_job(job_id)
        return job is None or job.status == "cancelled"

"""One delivery of one message to a stage: parse, claim, run with a heartbeat, record the outcome.

The delivery guarantees live here, once:
- a poison body or an unknown job is left for the DLQ (visibility 0, so redrive is quick), with a log line;
- a duplicate of finished work re-publishes the stored completion event and acks;
- work in progress elsewhere, a composer whose inputs are not ready, or an ended job is acked;
- a permanent error fails the job at once; a transient one is retried by redelivery with a growing
  visibility timeout, and on the last allowed receive the job is marked failed before the DLQ takes it.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import random
import shutil
import tempfile
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import structlog

from shared.asset_tags import mark_failed_assets
from shared.connections import Connections
from shared.errors import JobCancelled, PermanentError
from shared.events import Event, PoisonMessage, make_event, parse_event
from shared.job import Job
from shared.ledger import Claim
from shared.metrics import METRICS
from shared.queue import Message, Queue
from shared.stage import Handler, SideHandler, StageContext, StageResult
from shared.topology import Stage


@dataclass(frozen=True)
class RedeliveryBackoff:
    """Visibility delay before a transient failure is retried: doubles per receive, with jitter."""

    base_s: float
    max_s: float

    def delay_s(self, receive_count: int) -> int:
        ceiling: float = min(self.max_s, self.base_s * 2.0 ** max(0, receive_count - 1))
        return max(1, math.floor(ceiling * random.uniform(0.5, 1.0) + 0.5))  # noqa: S311 (jitter, not crypto)


@dataclass
class LedgerCheckpoints:
    """Checkpoints persisted in the job's stage record, so a redelivery resumes paid work."""

    conn: Connections
    job_id: str
    stage_name: str
    owner: str
    values: dict[str, str]

    def get(self, key: str) -> str | None:
        return self.values.get(key)

    async def put(self, key: str, value: str) -> None:
        if not await self.conn.ledger.put_checkpoint(
            self.job_id, self.stage_name, owner=self.owner, key=key, value=value
        ):
            raise JobCancelled(f"lost the claim on {self.stage_name} while checkpointing {key}")
        self.values[key] = value


class Delivery:
    """Handles messages for one stage in one process; `owner` identifies this process in leases."""

    def __init__(
        self, stage: Stage, handler: Handler | SideHandler, conn: Connections, queue: Queue, *, owner: str
    ) -> None:
        self.stage = stage
        self.handler = handler
        self.conn = conn
        self.queue = queue
        self.owner = owner
        settings = conn.settings
        self.lease_s = settings.lease_s or float(stage.visibility_timeout_s)
        self.heartbeat_s = settings.heartbeat_every_s or self.lease_s / 3
        self.backoff = RedeliveryBackoff(settings.retry_base_s, settings.retry_max_s)
        self.log = structlog.get_logger().bind(stage=stage.name, queue=queue.name)

    async def handle(self, message: Message) -> None:
        try:
            event = parse_event(message.body)
        except PoisonMessage as exc:
            await self._leave_for_dlq(message, "message.poison", str(exc))
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
            lease_s=self.lease_s,
            requires=self.stage.requires,
            job_status=self.stage.job_status_while_running,
        )
        if claim.granted and claim.job is not None:
            with METRICS.in_flight(self.stage.name):
                await self._run_claimed(event, claim.job, message, log.bind(resumed=claim.kind == "resumed"))
            return
        await self._settle_refusal(claim, message, log)

    async def _settle_refusal(self, claim: Claim, message: Message, log: Any) -> None:
        if claim.kind == "missing":
            await self._leave_for_dlq(message, "message.unknown_job", "no such job in the ledger")
            return
        if claim.kind == "busy" and claim.job is not None and self._owner_seems_gone(claim.job):
            # The owner stopped heartbeating. It may have died holding this very message, whose
            # visibility runs out a moment before the lease does: acking would lose the job.
            remaining_s = (claim.job.stage(self.stage.name).lease_expires_at or 0.0) - time.time()
            log.info("stage.owner_silent", retry_in_s=math.ceil(max(0.0, remaining_s)) + 1)
            await self.queue.set_visibility(message, math.ceil(max(0.0, remaining_s)) + 1)
            return
        if claim.kind == "done" and claim.job is not None:
            stored = claim.job.completion_event(self.stage.name)
            if stored is not None:
                await self.conn.bus.publish(stored)
            log.info("stage.duplicate_republished", republished=stored is not None)
        else:
            log.info("stage.not_claimed", reason=claim.kind)
        await self.queue.delete(message)

    def _owner_seems_gone(self, job: Job) -> bool:
        """A live owner renews its lease every heartbeat, so it never has less than a lease minus a beat left."""
        lease_expires_at = job.stage(self.stage.name).lease_expires_at or 0.0
        return lease_expires_at - time.time() < self.lease_s - 2 * self.heartbeat_s

    async def _run_claimed(self, event: Event, job: Job, message: Message, log: Any) -> None:
        log.info("stage.started")
        started = time.monotonic()
        try:
            async with self._heartbeat(job.job_id, message, log), self._workdir(job.job_id) as workdir:
                ctx = self._context(job, workdir, log, checkpoints=dict(job.stage(self.stage.name).checkpoints))
                result = await asyncio.wait_for(self.handler(event, ctx), self.stage.attempt_timeout_s)
                if result is None:
                    raise PermanentError(f"the {self.stage.name} stage produced no result")
        except JobCancelled:
            log.info("stage.cancelled")
            await self.queue.delete(message)
        except PermanentError as exc:
            await self._fail_job(job, str(exc), log)
            await self.queue.delete(message)
        except Exception as exc:  # anything else is transient: retried by redelivery
            await self._retry_or_give_up(job, message, exc, log)
        else:
            await self._record(job, result, log, elapsed_s=time.monotonic() - started)
            await self.queue.delete(message)

    async def _record(self, job: Job, result: StageResult, log: Any, *, elapsed_s: float) -> None:
        event = make_event(
            result.event_type,
            job_id=job.job_id,
            user_id=job.user_id,
            payload=result.payload,
            correlation_id=job.correlation_id,
            generation=job.generation,
        )
        if event.event_type == "job.completed":
            payload = result.payload.model_dump()
            recorded = await self.conn.ledger.complete_job(
                job,
                self.stage.name,
                owner=self.owner,
                job_status=self.stage.job_status_while_running,
                event_json=event.model_dump_json(),
                stage_cost_usd=result.cost_usd,
                outputs={k: v for k, v in payload.items() if k.endswith("_key") and v},
                video_duration_s=payload["duration_s"],
            )
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
        log.info("stage.completed", elapsed_s=round(elapsed_s, 3), cost_usd=result.cost_usd, skipped=result.skipped)
        METRICS.stage_succeeded(self.stage.name, elapsed_s)

    async def _fail_job(self, job: Job, reason: str, log: Any) -> None:
        log.warning("stage.failed", reason=reason)
        METRICS.stage_failed(self.stage.name)
        if await self.conn.ledger.fail_job(job, stage_name=self.stage.name, reason=reason):
            await self.conn.bus.publish(
                make_event(
                    "job.failed",
                    job_id=job.job_id,
                    user_id=job.user_id,
                    payload={"stage": self.stage.name, "reason": reason},
                    correlation_id=job.correlation_id,
                    generation=job.generation,
                )
            )
            await mark_failed_assets(self.conn.storage, job)  # kept for the retention window, then expired

    async def _retry_or_give_up(self, job: Job, message: Message, exc: Exception, log: Any) -> None:
        reason = _describe(exc)
        if message.receive_count >= self.stage.max_receive_count:
            # The user reads a sentence; the cause (`reason`, in this log line) stays with the operators.
            log.warning("stage.kept_failing", reason=reason, attempts=message.receive_count)
            await self._fail_job(
                job, f"the {self.stage.name} stage kept failing after {message.receive_count} attempts", log
            )
            await self.queue.set_visibility(message, 0)  # the next receive moves it to the DLQ
            return
        delay_s = self.backoff.delay_s(message.receive_count)
        log.warning("stage.retrying", reason=reason, retry_in_s=delay_s)
        METRICS.stage_retried(self.stage.name)
        await self.conn.ledger.release_stage(
            job.job_id, self.stage.name, owner=self.owner, error="a temporary problem; trying again"
        )
        await self.queue.set_visibility(message, delay_s)

    async def _run_side_stage(self, event: Event, message: Message, log: Any) -> None:
        """A stage outside the job's work (the notifier): no claim, the handler must be idempotent."""
        job = await self.conn.ledger.get_job(event.job_id)
        if job is None:
            await self._leave_for_dlq(message, "message.unknown_job", "no such job in the ledger")
            return
        try:
            async with self._workdir(job.job_id) as workdir:
                ctx = self._context(job, workdir, log, checkpoints={})
                await asyncio.wait_for(self.handler(event, ctx), self.stage.attempt_timeout_s)
        except PermanentError as exc:
            log.warning("stage.gave_up", reason=str(exc))
        except Exception as exc:
            if message.receive_count < self.stage.max_receive_count:
                await self.queue.set_visibility(message, self.backoff.delay_s(message.receive_count))
            log.warning("stage.retrying", reason=_describe(exc))
            return
        await self.queue.delete(message)

    def _context(self, job: Job, workdir: Path, log: Any, *, checkpoints: dict[str, str]) -> StageContext:
        return StageContext(
            job=job,
            storage=self.conn.storage,
            checkpoints=LedgerCheckpoints(self.conn, job.job_id, self.stage.name, self.owner, checkpoints),
            workdir=workdir,
            settings=self.conn.settings,
            cancelled=lambda: self._is_cancelled(job.job_id),
            log=log,
        )

    async def _leave_for_dlq(self, message: Message, event_name: str, error: str) -> None:
        self.log.error(
            event_name, message_id=message.message_id, receive_count=message.receive_count, error=error[:300]
        )
        await self.queue.set_visibility(message, 0)

    async def _is_cancelled(self, job_id: str) -> bool:
        job = await self.conn.ledger.get_job(job_id)
        return job is None or job.status == "cancelled"

    @contextlib.asynccontextmanager
    async def _heartbeat(self, job_id: str, message: Message, log: Any) -> AsyncIterator[None]:
        """While the handler runs, keep the message invisible and the lease alive."""

        async def beat() -> None:
            while True:
                await asyncio.sleep(self.heartbeat_s)
                try:
                    await self.queue.set_visibility(message, int(self.lease_s))
                    if not await self.conn.ledger.extend_lease(
                        job_id, self.stage.name, owner=self.owner, lease_s=self.lease_s
                    ):
                        log.warning("stage.lease_lost")
                except Exception as exc:  # a missed beat is survivable; the next one may land
                    log.warning("stage.heartbeat_failed", reason=_describe(exc))

        if self.lease_s < self.stage.visibility_timeout_s:
            # Until the first beat the message keeps the queue's (longer) timeout: a crash then
            # would leave it hidden well past the lease. Align the two before the work starts.
            await self.queue.set_visibility(message, int(self.lease_s))
        task = asyncio.create_task(beat())
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    @contextlib.asynccontextmanager
    async def _workdir(self, job_id: str) -> AsyncIterator[Path]:
        root = self.conn.settings.workdir
        root.mkdir(parents=True, exist_ok=True)
        path = Path(tempfile.mkdtemp(prefix=f"{self.stage.name}-{job_id[:12]}-", dir=root))
        try:
            yield path
        finally:
            shutil.rmtree(path, ignore_errors=True)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError):
        return "the attempt ran past its time limit"
    return f"{type(exc).__name__}: {exc}"[:400]

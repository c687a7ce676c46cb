"""Delivery for a stage whose work fans out into units (`Stage.units`: the clips stage's scenes).

Three kinds of message reach such a stage's queue, and each is handled here, the same for any stage:
- its trigger (`script.completed` for clips) opens the stage: the handler's `plan` says how many units,
  the ledger gets one pending record per unit, and `<unit>.requested` is published for each unit that
  may start (all of them; only the first not done when the plan is sequential);
- `<unit>.requested` is one unit's work: claimed, leased, heartbeated, checkpointed, retried and
  dead-lettered on its own by the ordinary delivery path, announcing `<unit>.completed`;
- `<unit>.completed` requests the next unit of a sequential plan, then tries the join: one conditional
  write completes the stage when every unit has succeeded, and the join's winner publishes the stage's
  completion event. Publishing is itself claimed (`announced`): a duplicate `<unit>.completed` finds
  it announced (or being announced) and publishes nothing; if the announcer died between the ledger
  write and the publish, its own message comes back and publishes once the announcer's lease is over.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable
from typing import Any

from shared.connections import Connections
from shared.delivery import Delivery
from shared.errors import PermanentError
from shared.events import Event, parse_event
from shared.job import Job
from shared.ledger.claims import refusal
from shared.ledger.units import unit_refusal
from shared.metrics import METRICS
from shared.payloads import UnitPayload
from shared.queue import Message, Queue
from shared.refusal import LeaseFacts, decide
from shared.stage import Handler, SideHandler, StageContext, StageResult, UnitsHandler
from shared.topology import Stage, Units


def delivery_for(
    stage: Stage, handler: Handler | SideHandler | UnitsHandler, conn: Connections, queue: Queue, *, owner: str
) -> Delivery:
    """The delivery a stage's declaration and handler call for: per unit of work when it declares `units`."""
    if stage.units is not None:
        if not isinstance(handler, UnitsHandler):
            raise TypeError(f"the {stage.name} stage declares units, so its handler must be a UnitsHandler")
        return UnitsDelivery(stage, handler, conn, queue, owner=owner)
    if isinstance(handler, UnitsHandler):
        raise TypeError(f"the {stage.name} stage declares no units but its handler is a UnitsHandler")
    return Delivery(stage, handler, conn, queue, owner=owner)


class UnitsDelivery(Delivery):
    """`Delivery` for a stage declared with `units`, whose handler is a `UnitsHandler`."""

    @property
    def units(self) -> Units:
        assert self.stage.units is not None
        return self.stage.units

    @property
    def logic(self) -> UnitsHandler:
        assert isinstance(self.handler, UnitsHandler)
        return self.handler

    async def handle(self, message: Message) -> None:
        event = await self._parse(message)
        if event is None:
            return
        log = self.log.bind(
            job_id=event.job_id, event_id=event.event_id, event_type=event.event_type, attempt=message.receive_count
        )
        if isinstance(event.payload, UnitPayload):
            log = log.bind(unit=event.payload.index)
            if event.event_type == self.units.requested:
                await self._run_unit(event, event.payload.index, message, log)
                return
            if event.event_type == self.units.completed:
                await self._unit_done(event, message, log)
                return
        await self._open(event, message, log)

    # --- the trigger: plan the units and request those that may start ---------------------------

    async def _open(self, event: Event, message: Message, log: Any) -> None:
        job = await self._job_or_dead_letter(event, message)
        if job is None or await self._stale(job, event, message, log):
            return
        if job.stage(self.stage.name).done:
            await self._announce(job, log)  # a duplicate trigger: repair an announcement that never happened
            await self.queue.delete(message)
            return
        if job.terminal or (self.stage.after_approval and job.gate_closed):
            # Ended; or a review job not approved yet: approval re-publishes what wakes this stage.
            log.info("stage.not_claimed", reason="ended" if job.terminal else "gated")
            await self.queue.delete(message)
            return
        try:
            async with self._workdir(job.job_id) as path:
                plan = await self.logic.plan(event, self._context(job, path, log, checkpoints={}))
        except PermanentError as exc:
            await self.outcomes.fail(job, str(exc), log)
            await self.queue.delete(message)
            return
        except Exception as exc:
            await self._retry_or_give_up(job, message, exc, log)
            return
        opened = await self.conn.ledger.units.open(
            job.job_id,
            self.stage.name,
            units=plan.units,
            sequential=plan.sequential,
            requires=self.stage.requires,
            job_status=self.stage.job_status_while_running,
            version=event.version,
            after_approval=self.stage.after_approval,
        )
        if opened is None:
            claim = refusal(
                await self.conn.ledger.get_job(job.job_id),
                self.stage.name,
                self.stage.requires,
                time.time(),
                event.version,
                after_approval=self.stage.after_approval,
            )
            if claim.kind == "done" and claim.job is not None:
                await self._announce(claim.job, log)
                await self.queue.delete(message)
            else:
                await self._settle_refusal(claim, message, log)
            return
        log.info("units.opened", units=opened.stage(self.stage.name).unit_count, sequential=plan.sequential)
        await self._request_next(opened, log)
        await self.queue.delete(message)

    async def _request_next(self, job: Job, log: Any, *, after_unit: bool = False) -> None:
        """Requests every unit not yet done; a sequential plan only the first of them.

        After a unit's completion (`after_unit`) a sequential plan requests the next unit only if nobody
        has started it yet, so a duplicate completion does not request it again.
        """
        state = job.stage(self.stage.name)
        waiting = [i for i in range(state.unit_count) if not state.unit(i).done]
        if state.sequential:
            waiting = [i for i in waiting[:1] if not after_unit or state.unit(i).status == "pending"]
        for index in waiting:
            await self.conn.bus.publish(job.event(self.units.requested, {"index": index}))
        if waiting:
            log.info("units.requested", units=waiting)
        elif not after_unit and all(state.unit(i).done for i in range(state.unit_count)):
            await self._join(job, log)  # reopened with every unit already done: only the join was missing

    # --- one unit ------------------------------------------------------------------------------------

    async def _run_unit(self, event: Event, index: int, message: Message, log: Any) -> None:
        job = await self.conn.ledger.units.claim(
            event.job_id, self.stage.name, index, owner=self.owner, lease_s=self.lease.lease_s, version=event.version
        )
        if job is not None:
            with METRICS.in_flight(self.stage.name):
                await self._run_claimed(event, job, message, log, unit=index)
            return
        found = await self.conn.ledger.get_job(event.job_id)
        unit = found.stage(self.stage.name).unit(index) if found else None
        decision = decide(
            unit_refusal(found, self.stage.name, index, event.version),
            lease=LeaseFacts(unit.lease_expires_at if unit else None, self.lease.lease_s, self.lease.heartbeat_s),
            stored_event=parse_event(unit.event) if unit and unit.event else None,
            now=time.time(),
        )
        await self._execute(decision, message, log)

    def _attempt(self, event: Event, ctx: StageContext, unit: int | None) -> Awaitable[StageResult | None]:
        assert unit is not None
        return self.logic.run(unit, ctx)

    # --- a unit done: the next one of a sequential plan, then the join ------------------------------

    async def _unit_done(self, event: Event, message: Message, log: Any) -> None:
        job = await self._job_or_dead_letter(event, message)
        if job is None or await self._stale(job, event, message, log):
            return
        state = job.stage(self.stage.name)
        if state.done:
            await self._announce(job, log)
        elif not job.terminal and state.status == "running":
            if state.sequential:
                await self._request_next(job, log, after_unit=True)
            if state.unit_count and all(state.unit(i).done for i in range(state.unit_count)):
                try:
                    await self._join(job, log)
                except Exception as exc:  # e.g. the join's reads failed: this message comes back to try again
                    await self._retry_or_give_up(job, message, exc, log)
                    return
        await self.queue.delete(message)

    async def _join(self, job: Job, log: Any) -> None:
        async with self._workdir(job.job_id) as path:
            result = await self.logic.join(self._context(job, path, log, checkpoints={}))
        state = job.stage(self.stage.name)
        cost_usd = sum(state.unit(i).cost_usd for i in range(state.unit_count))
        event = job.event(result.event_type, result.payload)
        joined = await self.conn.ledger.units.join(
            job,
            self.stage.name,
            event_json=event.model_dump_json(),
            cost_usd=cost_usd,
            owner=self.owner,
            announce_s=self.lease.lease_s,
        )
        if not joined:
            found = await self.conn.ledger.get_job(job.job_id)
            if found is not None and found.stage(self.stage.name).done:
                await self._announce(found, log)
            return
        await self.conn.bus.publish(event)
        await self.conn.ledger.units.mark_announced(job.job_id, self.stage.name, owner=self.owner)
        elapsed_s = time.time() - (state.started_at or time.time())
        log.info("stage.completed", elapsed_s=round(elapsed_s, 3), cost_usd=round(cost_usd, 6), units=state.unit_count)
        METRICS.stage_succeeded(self.stage.name, elapsed_s)

    async def _announce(self, job: Job, log: Any) -> None:
        """Publishes the joined stage's stored event if nobody has, and nobody is about to (their lease ran out)."""
        state = job.stage(self.stage.name)
        stored = job.completion_event(self.stage.name)
        if state.announced or stored is None or (state.lease_expires_at or 0) >= time.time():
            log.info("stage.duplicate_ignored", announced=state.announced)
            return
        if await self.conn.ledger.units.claim_announcement(
            job.job_id, self.stage.name, owner=self.owner, announce_s=self.lease.lease_s
        ):
            await self.conn.bus.publish(stored)
            await self.conn.ledger.units.mark_announced(job.job_id, self.stage.name, owner=self.owner)
            log.warning("stage.announcement_repaired")

    # --- shared pieces -----------------------------------------------------------------------------

    async def _job_or_dead_letter(self, event: Event, message: Message) -> Job | None:
        job = await self.conn.ledger.get_job(event.job_id)
        if job is None:
            await self._leave_for_dlq(message, "message.unknown_job", "no such job in the ledger")
        return job

    async def _stale(self, job: Job, event: Event, message: Message, log: Any) -> bool:
        """A delivery for an older version of the job (a revision started since): acked and dropped."""
        if event.version == job.version:
            return False
        log.info("stage.not_claimed", reason="stale")
        await self.queue.delete(message)
        return True

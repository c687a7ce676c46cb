"""The outbox relay: makes the announcements the ledger says are owed, then clears their marks; and expires
review jobs left unapproved.

Every gateway process runs it in the background, so a job written just before a gateway crashed, or
whose publish failed, still starts within `every_s + grace_s`. Jobs younger than `grace_s` are left to
the gateway that is publishing them; a double publish (a relay racing that gateway, two relays) is
harmless, as the event id is deterministic and every stage claims its work conditionally. The same
holds for a review job's approval and storyboard edit (`shared.ledger.gate`), whose stored completion
events it re-publishes. A review job waiting at its gate longer than `review_expiry_s` is cancelled
(`expired_at` says why) and frees its place.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta

import structlog

from shared.bus import Bus
from shared.events import Event
from shared.job import Job
from shared.ledger import Ledger
from shared.ledger.outbox import APPROVED, AWAITING, EDITED
from shared.topology import PRE_GATE_STAGES, RELEASE_EVENTS

# What each gate mark owes: approval wakes the paid stages; an edit wakes the stages before the gate again.
_REDO_EVENTS = tuple(event for s in PRE_GATE_STAGES for event in s.consumes if event != "job.submitted")
OWED: dict[str, tuple[str, ...]] = {APPROVED: RELEASE_EVENTS, EDITED: _REDO_EVENTS}


async def publish_submitted(ledger: Ledger, bus: Bus, job: Job) -> None:
    """Publishes the job's submit event and clears its outbox mark (the one way both happen)."""
    await bus.publish(job.event("job.submitted"))
    await ledger.outbox.mark_published(job.job_id)


def owed_events(job: Job, mark: str) -> list[Event]:
    """The stored completion events a gate mark owes (`approved`, `edited`), as the stages recorded them."""
    events = [job.completion_event(s.name) for s in PRE_GATE_STAGES]
    return [event for event in events if event is not None and event.event_type in OWED[mark]]


async def publish_owed(ledger: Ledger, bus: Bus, job: Job, mark: str) -> None:
    """Re-publishes what the job's gate mark owes and clears the mark (the one way both happen)."""
    for event in owed_events(job, mark):
        await bus.publish(event)
    await ledger.outbox.mark_published(job.job_id, mark)


async def relay_once(ledger: Ledger, bus: Bus, *, grace_s: float) -> int:
    """One pass over the outbox; the number of jobs published for."""
    before = (datetime.now(UTC) - timedelta(seconds=grace_s)).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    published = 0
    for job in await ledger.outbox.pending(created_before=before):
        await publish_submitted(ledger, bus, job)
        structlog.get_logger().info("outbox.relayed", job_id=job.job_id)
        published += 1
    for mark in OWED:
        # A gate mark is written long after the job was: the grace is measured from its last update.
        for job in await ledger.outbox.pending(created_before=_now_iso(), mark=mark):
            if job.updated_at < before:
                await publish_owed(ledger, bus, job, mark)
                structlog.get_logger().info("outbox.relayed", job_id=job.job_id, mark=mark)
                published += 1
    return published


async def expire_unapproved(ledger: Ledger, bus: Bus, *, expiry_s: float) -> int:
    """Cancels the review jobs that have waited at their gate longer than `expiry_s`; how many it expired."""
    cutoff = time.time() - expiry_s
    expired = 0
    for job in await ledger.outbox.waiting_since_before(cutoff):
        if job.terminal:  # cancelled while it waited: it no longer waits
            await ledger.outbox.mark_published(job.job_id, AWAITING)
        elif await ledger.gate.expire(job, older_than=cutoff):
            await bus.publish(job.event("job.cancelled"))
            structlog.get_logger().info("review.expired", job_id=job.job_id, waited_s=round(time.time() - cutoff))
            expired += 1
    return expired


async def run_relay(
    ledger: Ledger, bus: Bus, *, every_s: float, grace_s: float, review_expiry_s: float | None = None
) -> None:
    """Relays (and expires unapproved review jobs) for ever: a background task of the gateway; a failed pass is
    logged and tried again."""
    while True:
        try:
            await relay_once(ledger, bus, grace_s=grace_s)
            if review_expiry_s is not None:
                await expire_unapproved(ledger, bus, expiry_s=review_expiry_s)
        except Exception as exc:  # the relay must outlive a flaky emulator or a throttled table
            structlog.get_logger().warning("outbox.relay_failed", reason=f"{type(exc).__name__}: {exc}"[:300])
        await asyncio.sleep(every_s)


def _now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")

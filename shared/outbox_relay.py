"""The outbox relay: publishes `job.submitted` for jobs whose submit publish never happened, then clears the mark.

Every gateway process runs it in the background, so a job written just before a gateway crashed, or
whose publish failed, still starts within `every_s + grace_s`. Jobs younger than `grace_s` are left to
the gateway that is publishing them; a double publish (a relay racing that gateway, two relays) is
harmless, as the event id is deterministic and every stage claims its work conditionally.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import structlog

from shared.bus import Bus
from shared.events import Event, make_event
from shared.job import Job
from shared.ledger import Ledger


def submitted_event(job: Job) -> Event:
    return make_event(
        "job.submitted",
        job_id=job.job_id,
        user_id=job.user_id,
        correlation_id=job.correlation_id,
        generation=job.generation,
        version=job.version,
    )


async def publish_submitted(ledger: Ledger, bus: Bus, job: Job) -> None:
    """Publishes the job's submit event and clears its outbox mark (the one way both happen)."""
    await bus.publish(submitted_event(job))
    await ledger.outbox.mark_published(job.job_id)


async def relay_once(ledger: Ledger, bus: Bus, *, grace_s: float) -> int:
    """One pass over the outbox; the number of jobs published for."""
    before = (datetime.now(UTC) - timedelta(seconds=grace_s)).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    published = 0
    for job in await ledger.outbox.pending(created_before=before):
        await publish_submitted(ledger, bus, job)
        structlog.get_logger().info("outbox.relayed", job_id=job.job_id)
        published += 1
    return published


async def run_relay(ledger: Ledger, bus: Bus, *, every_s: float, grace_s: float) -> None:
    """Relays for ever (a background task of the gateway); a failed pass is logged and tried again."""
    while True:
        try:
            await relay_once(ledger, bus, grace_s=grace_s)
        except Exception as exc:  # the relay must outlive a flaky emulator or a throttled table
            structlog.get_logger().warning("outbox.relay_failed", reason=f"{type(exc).__name__}: {exc}"[:300])
        await asyncio.sleep(every_s)

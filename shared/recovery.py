"""Resuming a failed job from its failed stage: used by retry (gateway) and by the DLQ replay tool.

A stage restarts when it receives again what it consumes. For `script` that is a fresh
`job.submitted`; for the others it is the stored completion events of the upstream stages
that already finished. Stages already done are left alone (their outputs are kept).
"""

from __future__ import annotations

from shared.asset_tags import mark_retried_assets
from shared.bus import Bus
from shared.events import Event
from shared.job import Job
from shared.ledger import Ledger
from shared.storage import Storage
from shared.topology import JOB_STAGES, Stage


def _upstream_events(job: Job, stage: Stage) -> list[Event]:
    found = []
    for upstream in JOB_STAGES:
        if not set(upstream.publishes) & set(stage.consumes):
            continue
        event = job.completion_event(upstream.name)
        if event is not None and event.event_type in stage.consumes:
            found.append(event)
    return found


def restart_events(job: Job, *, except_stage: str | None = None) -> list[Event]:
    """For every stage not done (but `except_stage`), the events it consumes that were already produced; no event twice.

    An event that `except_stage` alone consumes is left out: that stage gets its replayed dead letter instead.
    A stage with units of work (clips) is the exception: its dead letter is one unit, while the other units'
    messages were acked when the job failed, so it is reopened by its trigger, which requests every unit
    not yet done (the replayed one too: the second request of it is refused by its claim).
    """
    events: dict[str, Event] = {}
    for stage in JOB_STAGES:
        if job.stage(stage.name).done or (stage.name == except_stage and stage.units is None):
            continue
        if "job.submitted" in stage.consumes:
            submitted = job.event("job.submitted")
            events.setdefault(submitted.event_id, submitted)
        for event in _upstream_events(job, stage):
            events.setdefault(event.event_id, event)
    return list(events.values())


async def resume_failed_job(
    ledger: Ledger,
    bus: Bus,
    storage: Storage,
    job: Job,
    *,
    replaying_stage: str | None = None,
    max_active: int | None = None,
) -> Job | None:
    """Turns a failed job back into a running one: failed stages reset, assets kept, restart events published.

    `replaying_stage` is a stage whose dead letter is being sent back to it: it gets that message,
    not a restart event. Returns the reset job, or None when the job was not failed. With `max_active`
    (the gateway's retry) the revived job counts against the user's cap: `TooManyActiveJobs` at it.
    """
    if job.status != "failed" or not await ledger.reset_for_retry(job, max_active=max_active):
        return None
    reset = await ledger.get_job(job.job_id)
    if reset is None:
        return None
    for event in restart_events(reset, except_stage=replaying_stage):
        await bus.publish(event)
    await mark_retried_assets(storage, reset)
    return reset

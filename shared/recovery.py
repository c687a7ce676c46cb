"""The events that restart a job's unfinished stages: used by retry (gateway) and by the DLQ replay tool.

A stage restarts when it receives again what it consumes. For `script` that is a fresh
`job.submitted`; for the others it is the stored completion events of the upstream stages
that already finished. Stages already done are left alone (their outputs are kept).
"""

from __future__ import annotations

from shared.events import Event, make_event
from shared.job import Job
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


def restart_events(job: Job) -> list[Event]:
    """For every stage not done, the events it consumes that were already produced; no event twice."""
    events: dict[str, Event] = {}
    for stage in JOB_STAGES:
        if job.stage(stage.name).done:
            continue
        if "job.submitted" in stage.consumes:
            submitted = make_event(
                "job.submitted",
                job_id=job.job_id,
                user_id=job.user_id,
                correlation_id=job.correlation_id or job.job_id,
                generation=job.generation,
            )
            events.setdefault(submitted.event_id, submitted)
        for event in _upstream_events(job, stage):
            events.setdefault(event.event_id, event)
    return list(events.values())

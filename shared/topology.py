"""The one declaration of the pipeline: stages, the events they consume and publish, and their queues.

Everything else derives from `STAGES`: the emulator bootstrap, the terraform input
(`export()`, written to terraform/topology.json), the worker wiring and the launcher.
Adding a stage is one entry here plus its service folder.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

TOPIC_NAME = "pharmagen-events"
JOBS_TABLE = "pharmagen-jobs"
USAGE_TABLE = "pharmagen-usage"
KEYS_TABLE = "pharmagen-keys"  # API key digests and encrypted webhook secrets, told apart by `kind`
WEBHOOK_KEY_NAME = "pharmagen-webhook-secrets"  # KMS alias (alias/<prefix><name>) of the webhook secrets' key
JOBS_BY_USER_INDEX = "user_id-created_at"  # GSI on the jobs table: a user's jobs, newest first
OUTBOX_INDEX = "outbox-created_at"  # sparse GSI on the jobs table: jobs whose submit event is still to publish
ASSETS_BUCKET = "pharmagen-assets"
QUEUE_PREFIX = "pharmagen-"

# Events no stage consumes but every consumer may need to recognise.
TERMINAL_EVENTS = ("job.completed", "job.failed", "job.cancelled")
# A review job stopped at its gate (announced to the job's webhook like its end).
AWAITING_APPROVAL_EVENT = "job.awaiting_approval"


@dataclass(frozen=True)
class Units:
    """A stage whose work fans out into units (the clips stage's scenes), each its own message on the stage's queue.

    The stage's trigger event plans the units and publishes `<name>.requested` for each one that may start;
    each is claimed, leased, heartbeated, retried and dead-lettered on its own, and announces
    `<name>.completed`. A join in the ledger completes the stage once every unit is done. A unit's state
    nests in the stage's record (`stages.<stage>.scenes.<index>`); a failed unit names itself in the job's
    error (`scene 3: ...`, counted from 1).
    """

    name: str

    @property
    def requested(self) -> str:
        return f"{self.name}.requested"

    @property
    def completed(self) -> str:
        return f"{self.name}.completed"

    def label(self, index: int) -> str:
        """The unit as a person reads it in an error: `scene 3` for index 2."""
        return f"{self.name} {index + 1}"


@dataclass(frozen=True)
class Stage:
    """A stage service: what wakes it, what it announces, how its queue behaves."""

    name: str
    consumes: tuple[str, ...]
    publishes: tuple[str, ...]
    visibility_timeout_s: int
    max_receive_count: int
    concurrency: int
    attempt_timeout_s: float
    # Stages whose work must be finished (succeeded or skipped) before this one may claim a job.
    requires: tuple[str, ...] = ()
    # Share of the job's progress bar this stage accounts for.
    progress_weight: int = 10
    # Stages that are part of a job's work; a side stage (the notifier) is not.
    in_job: bool = True
    # The stage whose outcome completes the job (the composer): its payload carries the job's outputs.
    completes_job: bool = False
    # The job's status while this stage runs (the composer marks a job "composing").
    job_status_while_running: str = "running"
    # Paid work a review job (`review: true`) may start only once its storyboard is approved: the claim is
    # refused while the job's gate is closed, and approval re-publishes what woke the stage.
    after_approval: bool = False
    # Python module run as this stage's service process.
    module: str = field(default="")
    # Work split into units of its own (clips: one message per scene), joined in the ledger.
    units: Units | None = None

    @property
    def triggers(self) -> tuple[str, ...]:
        """The events that start the stage's work (for a stage with units: what it consumes but its unit events)."""
        if self.units is None:
            return self.consumes
        return tuple(e for e in self.consumes if e not in {self.units.requested, self.units.completed})

    @property
    def queue_name(self) -> str:
        return f"{QUEUE_PREFIX}{self.name}"

    @property
    def dlq_name(self) -> str:
        return f"{QUEUE_PREFIX}{self.name}-dlq"

    @property
    def service_module(self) -> str:
        return self.module or f"services.{self.name}"


STAGES: tuple[Stage, ...] = (
    Stage(
        name="script",
        consumes=("job.submitted",),
        publishes=("script.completed",),
        visibility_timeout_s=60,
        max_receive_count=4,
        concurrency=4,
        attempt_timeout_s=300,
        progress_weight=10,
    ),
    Stage(
        name="keyframes",
        consumes=("script.completed",),
        publishes=("keyframes.completed",),
        visibility_timeout_s=60,
        max_receive_count=4,
        concurrency=2,
        # A hero and up to thirteen boundary frames, each an image-model call of seconds to a minute.
        attempt_timeout_s=900,
        requires=("script",),
        progress_weight=5,
    ),
    Stage(
        name="narration",
        consumes=("script.completed",),
        publishes=("narration.completed", "narration.skipped"),
        visibility_timeout_s=60,
        max_receive_count=4,
        concurrency=4,
        attempt_timeout_s=240,
        requires=("script",),
        progress_weight=10,
        after_approval=True,
    ),
    Stage(
        name="clips",
        # Opened by the keyframes (each scene runs between two of them), then one message per scene.
        consumes=("keyframes.completed", "scene.requested", "scene.completed"),
        publishes=("clips.completed", "scene.requested", "scene.completed"),
        visibility_timeout_s=120,
        max_receive_count=4,
        concurrency=1,
        # One scene per attempt: up to two Veo generations of ten minutes each, the heartbeat keeps the message.
        attempt_timeout_s=1500,
        requires=("script", "keyframes"),
        progress_weight=45,
        after_approval=True,
        units=Units("scene"),
    ),
    Stage(
        name="music",
        consumes=("script.completed",),
        publishes=("music.completed",),
        visibility_timeout_s=60,
        max_receive_count=4,
        concurrency=2,
        attempt_timeout_s=300,
        requires=("script",),
        progress_weight=10,
        after_approval=True,
    ),
    Stage(
        name="composer",
        consumes=("narration.completed", "narration.skipped", "clips.completed", "music.completed"),
        publishes=("job.completed",),
        visibility_timeout_s=120,
        max_receive_count=4,
        concurrency=1,
        attempt_timeout_s=600,
        requires=("keyframes", "narration", "clips", "music"),
        progress_weight=25,
        completes_job=True,
        job_status_while_running="composing",
    ),
    Stage(
        name="notifier",
        consumes=(*TERMINAL_EVENTS, AWAITING_APPROVAL_EVENT),
        publishes=(),
        visibility_timeout_s=60,
        max_receive_count=6,
        concurrency=8,
        attempt_timeout_s=120,
        in_job=False,
        progress_weight=0,
    ),
)

JOB_STAGES: tuple[Stage, ...] = tuple(s for s in STAGES if s.in_job)
# The one stage whose outcome completes the job (its payload carries the job's outputs).
[COMPLETING_STAGE] = [s for s in STAGES if s.completes_job]


def stage(name: str) -> Stage:
    for candidate in STAGES:
        if candidate.name == name:
            return candidate
    raise KeyError(f"no stage named {name!r}")


def _gated(s: Stage) -> bool:
    """Released by approval: declared so, or requiring (through any chain) a stage that is."""
    return s.after_approval or any(_gated(stage(name)) for name in s.requires)


# A review job's work before its gate: when all of it is done the job awaits approval.
PRE_GATE_STAGES: tuple[Stage, ...] = tuple(s for s in JOB_STAGES if not _gated(s))
# What approval re-publishes: the pre-gate completions that wake the stages declared `after_approval`.
RELEASE_EVENTS: tuple[str, ...] = tuple(
    event
    for s in PRE_GATE_STAGES
    for event in s.publishes
    if any(event in g.consumes for g in STAGES if g.after_approval)
)


def all_event_types() -> tuple[str, ...]:
    seen: dict[str, None] = {"job.submitted": None}
    for s in STAGES:
        seen.update(dict.fromkeys(s.consumes + s.publishes))
    seen.update(dict.fromkeys(TERMINAL_EVENTS))
    return tuple(seen)


def webhook_key_alias(resource_prefix: str = "") -> str:
    return f"alias/{resource_prefix}{WEBHOOK_KEY_NAME}"


def export() -> dict[str, Any]:
    """The topology as terraform's `for_each` reads it (terraform/topology.json)."""
    return {
        "topic": TOPIC_NAME,
        "jobs_table": JOBS_TABLE,
        "usage_table": USAGE_TABLE,
        "keys_table": KEYS_TABLE,
        "jobs_by_user_index": JOBS_BY_USER_INDEX,
        "outbox_index": OUTBOX_INDEX,
        "assets_bucket": ASSETS_BUCKET,
        "event_types": list(all_event_types()),
        "stages": {
            s.name: {
                "queue": s.queue_name,
                "dlq": s.dlq_name,
                "consumes": list(s.consumes),
                "publishes": list(s.publishes),
                "visibility_timeout_s": s.visibility_timeout_s,
                "max_receive_count": s.max_receive_count,
                "concurrency": s.concurrency,
                "attempt_timeout_s": s.attempt_timeout_s,
                "module": s.service_module,
            }
            for s in STAGES
        },
    }


def export_json() -> str:
    return json.dumps(export(), indent=2, sort_keys=True) + "\n"

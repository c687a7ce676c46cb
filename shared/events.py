"""The event contract: one envelope, one typed payload per event type, JSON on the wire.

Events are past-tense facts. What a stage cost is not in its event: the ledger records it once,
per stage (`StageResult.cost_usd`). `event_type` is both the pydantic discriminator and the SNS
message attribute that filter policies route on. Payloads carry S3 keys, never media.
Add fields, never rename them. A body that does not parse is a `PoisonMessage`.
`version` is the job's version the event belongs to (a revision makes the next one); a body from
before versions existed parses as version 1.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from shared.payloads import (
    ClipsCompletedPayload,
    JobAwaitingApprovalPayload,
    JobCancelledPayload,
    JobCompletedPayload,
    JobFailedPayload,
    JobSubmittedPayload,
    KeyframesCompletedPayload,
    MusicCompletedPayload,
    NarrationCompletedPayload,
    NarrationSkippedPayload,
    SceneCompletedPayload,
    SceneRequestedPayload,
    ScriptCompletedPayload,
    UnitPayload,
)

SCHEMA_VERSION: Literal[1] = 1


class PoisonMessage(Exception):
    """A message body that is not an event this code understands: it belongs in the DLQ."""


class _Envelope(BaseModel):
    model_config = ConfigDict(frozen=True)

    event_id: str
    job_id: str
    user_id: str
    occurred_at: datetime
    schema_version: Literal[1] = SCHEMA_VERSION
    correlation_id: str
    version: int = Field(default=1, ge=1)


class JobSubmitted(_Envelope):
    event_type: Literal["job.submitted"] = "job.submitted"
    payload: JobSubmittedPayload = JobSubmittedPayload()


class ScriptCompleted(_Envelope):
    event_type: Literal["script.completed"] = "script.completed"
    payload: ScriptCompletedPayload


class KeyframesCompleted(_Envelope):
    event_type: Literal["keyframes.completed"] = "keyframes.completed"
    payload: KeyframesCompletedPayload


class NarrationCompleted(_Envelope):
    event_type: Literal["narration.completed"] = "narration.completed"
    payload: NarrationCompletedPayload


class NarrationSkipped(_Envelope):
    event_type: Literal["narration.skipped"] = "narration.skipped"
    payload: NarrationSkippedPayload


class ClipsCompleted(_Envelope):
    event_type: Literal["clips.completed"] = "clips.completed"
    payload: ClipsCompletedPayload


class SceneRequested(_Envelope):
    event_type: Literal["scene.requested"] = "scene.requested"
    payload: SceneRequestedPayload


class SceneCompleted(_Envelope):
    event_type: Literal["scene.completed"] = "scene.completed"
    payload: SceneCompletedPayload


class MusicCompleted(_Envelope):
    event_type: Literal["music.completed"] = "music.completed"
    payload: MusicCompletedPayload


class JobCompleted(_Envelope):
    event_type: Literal["job.completed"] = "job.completed"
    payload: JobCompletedPayload


class JobFailed(_Envelope):
    event_type: Literal["job.failed"] = "job.failed"
    payload: JobFailedPayload


class JobCancelled(_Envelope):
    event_type: Literal["job.cancelled"] = "job.cancelled"
    payload: JobCancelledPayload = JobCancelledPayload()


class JobAwaitingApproval(_Envelope):
    event_type: Literal["job.awaiting_approval"] = "job.awaiting_approval"
    payload: JobAwaitingApprovalPayload = JobAwaitingApprovalPayload()


Event = Annotated[
    JobSubmitted
    | ScriptCompleted
    | KeyframesCompleted
    | NarrationCompleted
    | NarrationSkipped
    | ClipsCompleted
    | SceneRequested
    | SceneCompleted
    | MusicCompleted
    | JobCompleted
    | JobFailed
    | JobCancelled
    | JobAwaitingApproval,
    Field(discriminator="event_type"),
]

_EVENT = TypeAdapter(Event)
EVENT_CLASSES: dict[str, type[_Envelope]] = {
    cls.model_fields["event_type"].default: cls for cls in get_args(get_args(Event)[0])
}


def event_id_for(job_id: str, event_type: str, generation: int = 0, version: int = 1, unit: int | None = None) -> str:
    """Deterministic id: the same outcome of the same job gives the same id, so duplicates are recognisable.

    `generation` grows when a failed job is retried, so the retried run's events are new facts; so are a
    later version's (a revision). Version 1 keeps the id it always had. An event about one unit of work
    (a scene) names it: `<job>:scene.completed#2:<generation>`.
    """
    kind = event_type if unit is None else f"{event_type}#{unit}"
    base = f"{job_id}:{kind}:{generation}"
    return base if version == 1 else f"{base}:v{version}"


def make_event(
    event_type: str,
    *,
    job_id: str,
    user_id: str,
    payload: BaseModel | dict[str, Any] | None = None,
    correlation_id: str | None = None,
    generation: int = 0,
    version: int = 1,
) -> Event:
    cls = EVENT_CLASSES[event_type]
    unit = payload.index if isinstance(payload, UnitPayload) else None
    if isinstance(payload, dict) and isinstance(payload.get("index"), int):
        unit = payload["index"]
    fields: dict[str, Any] = {
        "event_id": event_id_for(job_id, event_type, generation, version, unit),
        "job_id": job_id,
        "user_id": user_id,
        "occurred_at": datetime.now(UTC),
        "correlation_id": correlation_id or job_id,
        "version": version,
    }
    if payload is not None:
        fields["payload"] = payload
    return cls.model_validate(fields)  # type: ignore[return-value]


def parse_event(body: str | bytes) -> Event:
    try:
        return _EVENT.validate_json(body)
    except ValidationError as exc:
        raise PoisonMessage(f"not a valid event: {exc.errors(include_url=False)[:3]}") from exc


def dump_event(event: Event) -> str:
    return event.model_dump_json()


def new_correlation_id() -> str:
    return uuid.uuid4().hex

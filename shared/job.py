"""A job as the ledger holds it: the request, the job status, and one record per stage.

Status flows `queued → running → composing → completed | failed | cancelled`; a review job stops at
`awaiting_approval` once its work before the gate is done, until approved (→ running), cancelled or expired
(→ cancelled). Each stage
`pending → running → succeeded | failed | skipped`. Progress is derived from stage weights.
"""

from __future__ import annotations

from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from shared.events import Event, make_event, parse_event
from shared.quote import Quote
from shared.request import AdRequest
from shared.topology import JOB_STAGES
from shared.versions import VersionRecord

JobStatus = Literal["queued", "running", "awaiting_approval", "composing", "completed", "failed", "cancelled"]
Gate = Literal["closed", "open"]
StageStatus = Literal["pending", "running", "succeeded", "failed", "skipped"]
P = TypeVar("P", bound=BaseModel)
TERMINAL_JOB_STATUSES: frozenset[str] = frozenset({"completed", "failed", "cancelled"})
DONE_STAGE_STATUSES: frozenset[str] = frozenset({"succeeded", "skipped"})


class StageState(BaseModel):
    model_config = ConfigDict(frozen=True)

    status: StageStatus = "pending"
    attempts: int = 0
    owner: str | None = None
    lease_expires_at: float | None = None  # unix seconds
    started_at: float | None = None
    finished_at: float | None = None
    error: str | None = None
    cost_usd: float = 0.0
    event: str | None = None  # the completion event as published, so a duplicate can re-publish it
    checkpoints: dict[str, str] = Field(default_factory=dict)
    # A stage with units of work (clips): each unit's own record, by index ("0", "1", ...), and whether
    # the stage's completion event, written by the join, has been published (`owner`/`lease_expires_at`
    # then hold the announcer's claim on publishing it).
    scenes: dict[str, StageState] | None = None
    sequential: bool = False  # units start one after another (chain mode), each once the one before is done
    announced: bool = False

    @property
    def done(self) -> bool:
        return self.status in DONE_STAGE_STATUSES

    @property
    def share_done(self) -> float:
        """1 when done; for a stage with units under way, the share of its units done."""
        if self.done or not self.scenes:
            return 1.0 if self.done else 0.0
        return sum(unit.done for unit in self.scenes.values()) / len(self.scenes)

    @property
    def unit_count(self) -> int:
        return len(self.scenes or {})

    def unit(self, index: int) -> StageState:
        return (self.scenes or {}).get(str(index), StageState())

    @property
    def elapsed_s(self) -> float | None:
        if self.started_at is None or self.finished_at is None:
            return None
        return round(self.finished_at - self.started_at, 3)


class Job(BaseModel):
    model_config = ConfigDict(frozen=True)

    job_id: str
    user_id: str
    status: JobStatus
    request: AdRequest
    stages: dict[str, StageState]
    created_at: str
    updated_at: str
    generation: int = 0
    correlation_id: str = ""
    error_stage: str | None = None
    error_reason: str | None = None
    cost_usd: float = 0.0
    outputs: dict[str, str] = Field(default_factory=dict)  # video_key, captions_key, thumbnail_key
    video_duration_s: float | None = None
    finished_at: float | None = None
    idempotency_key: str | None = None
    request_hash: str | None = None
    # The current version (a revision after completion makes the next); `cost_usd` and `outputs` are its own.
    version: int = Field(default=1, ge=1)
    versions: dict[str, VersionRecord] = Field(default_factory=dict)
    estimate: Quote | None = None  # the quote at submit (the API's `estimate`)
    # A review job's gate: "closed" until its storyboard is approved (then "open"); None for other jobs.
    gate: Gate | None = None
    awaiting_since: float | None = None  # unix seconds: when the job last reached its gate
    approved_at: float | None = None
    expired_at: float | None = None  # set when an unapproved job expired (its status is then cancelled)

    @property
    def gate_closed(self) -> bool:
        return self.gate == "closed"

    @property
    def terminal(self) -> bool:
        return self.status in TERMINAL_JOB_STATUSES

    @property
    def progress(self) -> int:
        """0–100 from the stage weights; a finished job is 100."""
        if self.status == "completed":
            return 100
        total = sum(s.progress_weight for s in JOB_STAGES)
        done = sum(s.progress_weight * self.stage(s.name).share_done for s in JOB_STAGES)
        return min(99, round(100 * done / total)) if total else 0

    def version_records(self) -> list[VersionRecord]:
        """Every version, oldest first; the current one with the job's own status, outputs and cost."""
        records = []
        for number in range(1, self.version + 1):
            stored = self.versions.get(str(number)) or VersionRecord(version=number, created_at=self.created_at)
            if number == self.version:
                stored = stored.model_copy(
                    update={
                        "status": self.status,
                        "finished_at": self.finished_at,
                        "outputs": dict(self.outputs),
                        "cost_usd": self.cost_usd,
                    }
                )
            records.append(stored)
        return records

    def stage(self, name: str) -> StageState:
        return self.stages.get(name, StageState())

    def event(self, event_type: str, payload: BaseModel | dict[str, Any] | None = None) -> Event:
        """An event of this job's current generation and version (the ones its consumers check)."""
        return make_event(
            event_type,
            job_id=self.job_id,
            user_id=self.user_id,
            payload=payload,
            correlation_id=self.correlation_id,
            generation=self.generation,
            version=self.version,
        )

    def completion_event(self, stage_name: str) -> Event | None:
        raw = self.stage(stage_name).event
        return parse_event(raw) if raw else None

    def unit_output(self, stage_name: str, index: int, model: type[P]) -> P | None:
        """What one unit of a stage (a scene of the clips stage) announced, as its payload model."""
        raw = self.stage(stage_name).unit(index).event
        payload = parse_event(raw).payload if raw else None
        return payload if isinstance(payload, model) else None

    def output(self, stage_name: str, model: type[P]) -> P | None:
        """What a finished stage announced, as its payload model; None when it announced nothing of that kind."""
        event = self.completion_event(stage_name)
        payload = event.payload if event is not None else None
        return payload if isinstance(payload, model) else None

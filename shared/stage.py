"""What a stage handler is given and what it returns.

A handler is a plain async function `handle(event, ctx) -> StageResult`. It never touches
boto: storage, checkpoints and a cancellation check arrive in `StageContext`. It steers the
runtime with exceptions from `shared.errors`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import structlog
from pydantic import BaseModel

from shared.config import Settings
from shared.errors import JobCancelled, PermanentError
from shared.events import Event
from shared.job import Job
from shared.payloads import ScriptCompletedPayload
from shared.providers.base import CancelCheck, Checkpoints, MemoryCheckpoints, never_cancelled
from shared.script import Script

if TYPE_CHECKING:
    from shared.storage import Storage

P = TypeVar("P", bound=BaseModel)


@dataclass(frozen=True)
class StageResult:
    """The stage's outcome: the completion event to publish and what it cost.

    `skipped` marks the stage `skipped` rather than `succeeded` (narration a script does not need).
    """

    event_type: str
    payload: BaseModel
    cost_usd: float = 0.0
    skipped: bool = False


@dataclass
class StageContext:
    job: Job
    storage: Storage
    checkpoints: Checkpoints
    workdir: Path  # a fresh directory for this attempt, removed afterwards
    settings: Settings
    cancelled: CancelCheck
    log: Any  # a structlog logger with job_id, stage, event_id and attempt bound

    async def read_script(self) -> Script:
        """The job's script, as the script stage stored it (every later stage works to its timeline)."""
        script_key = self.output_of("script", ScriptCompletedPayload).script_key
        return Script.model_validate_json(await self.storage.read_bytes(script_key))

    def output_of(self, stage_name: str, model: type[P]) -> P:
        """What a stage this one requires announced, as its payload model.

        The runtime claims a stage only once the stages it requires are done, so a missing or
        different output is a broken job, not a transient state: it fails the job.
        """
        found = self.output_if(stage_name, model)
        if found is None:
            raise PermanentError(f"the {stage_name} stage left no {model.__name__} for this one")
        return found

    def output_if(self, stage_name: str, model: type[P]) -> P | None:
        """The stage's output when it announced one of this kind (a skipped narration announced another)."""
        return self.job.output(stage_name, model)

    async def raise_if_cancelled(self) -> None:
        """Call at each checkpoint: a cancelled job stops here."""
        if await self.cancelled():
            raise JobCancelled(self.job.job_id)


def stage_context(
    job: Job,
    *,
    storage: Storage,
    settings: Settings,
    workdir: Path,
    checkpoints: Checkpoints | None = None,
    cancelled: CancelCheck = never_cancelled,
    log: Any = None,
) -> StageContext:
    """The one way to build a `StageContext`.

    The runtime passes the ledger's checkpoints and cancel check; a test may leave them to
    memory checkpoints and a job that is never cancelled.
    """
    return StageContext(
        job=job,
        storage=storage,
        checkpoints=checkpoints if checkpoints is not None else MemoryCheckpoints(),
        workdir=workdir,
        settings=settings,
        cancelled=cancelled,
        log=log if log is not None else structlog.get_logger(),
    )


@dataclass(frozen=True)
class Plan:
    """How a stage with units splits one job's work: `units` of them, all at once or one after another."""

    units: int
    sequential: bool = False  # unit k+1 is requested only once unit k is done (it builds on k's output)


@dataclass(frozen=True)
class UnitsHandler:
    """The logic of a stage whose work fans out into units (`Stage.units`); the runtime does the rest.

    `plan` reads the trigger event and says how many units; `run` does one unit and returns its
    completion (`scene.completed`); `join` builds the stage's completion once every unit is done,
    reading the units' outputs from `ctx.job` (`Job.unit_output`).
    """

    plan: Callable[[Event, StageContext], Awaitable[Plan]]
    run: Callable[[int, StageContext], Awaitable[StageResult]]
    join: Callable[[StageContext], Awaitable[StageResult]]


Handler = Callable[[Event, StageContext], Awaitable[StageResult]]
# A stage outside the job's work (the notifier) announces nothing: its handler returns None.
SideHandler = Callable[[Event, StageContext], Awaitable[None]]

"""What a stage handler is given and what it returns.

A handler is a plain async function `handle(event, ctx) -> StageResult`. It never touches
boto: storage, checkpoints and a cancellation check arrive in `StageContext`. It steers the
runtime with exceptions from `shared.errors`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from shared.config import Settings
from shared.errors import JobCancelled
from shared.events import Event
from shared.job import Job
from shared.providers.base import CancelCheck, Checkpoints
from shared.script import Script

if TYPE_CHECKING:
    from shared.storage import Storage


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
        return Script.model_validate_json(await self.storage.read_bytes(self.job.payload_of("script")["script_key"]))

    async def raise_if_cancelled(self) -> None:
        """Call at each checkpoint: a cancelled job stops here."""
        if await self.cancelled():
            raise JobCancelled(self.job.job_id)


Handler = Callable[[Event, StageContext], Awaitable[StageResult]]
# A stage outside the job's work (the notifier) announces nothing: its handler returns None.
SideHandler = Callable[[Event, StageContext], Awaitable[None]]

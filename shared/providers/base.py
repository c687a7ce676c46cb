"""What a stage asks of its model provider, so local and real implementations slot in per stage.

Each provider writes its media to a local path it is given and returns the cost of the call.
Every paid method takes the same two arguments: `checkpoints`, so a redelivered message resumes a
prediction rather than paying for a new one, and `cancelled`, so a cancelled job stops paid work.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from shared.request import AdRequest
from shared.script import Scene, Script


class Checkpoints(Protocol):
    """Durable key → value notes in the job ledger for this stage (e.g. a prediction id per scene)."""

    def get(self, key: str) -> str | None: ...

    async def put(self, key: str, value: str) -> None: ...


@dataclass
class MemoryCheckpoints:
    """Checkpoints kept in memory: for local providers and unit tests."""

    values: dict[str, str] = field(default_factory=dict)

    def get(self, key: str) -> str | None:
        return self.values.get(key)

    async def put(self, key: str, value: str) -> None:
        self.values[key] = value


CancelCheck = Callable[[], Awaitable[bool]]


async def never_cancelled() -> bool:
    return False


@dataclass(frozen=True)
class Drafted:
    script: Script
    cost_usd: float = 0.0


@dataclass(frozen=True)
class Spoken:
    duration_s: float
    cost_usd: float = 0.0


@dataclass(frozen=True)
class Rendered:
    duration_s: float
    cost_usd: float = 0.0


class ScriptWriter(Protocol):
    name: str

    async def write(self, request: AdRequest, *, checkpoints: Checkpoints, cancelled: CancelCheck) -> Drafted: ...


class Narrator(Protocol):
    """Speaks one segment into `out` (an audio file ffmpeg can read; WAV or MP3)."""

    name: str

    async def speak(
        self, text: str, *, speed: float, voice: str, out: Path, checkpoints: Checkpoints, cancelled: CancelCheck
    ) -> Spoken: ...


class ClipMaker(Protocol):
    """Renders one scene into `out` (MP4), starting from `start_frame` when given (continuity)."""

    name: str

    async def make_clip(
        self,
        scene: Scene,
        script: Script,
        *,
        start_frame: Path | None,
        out: Path,
        checkpoints: Checkpoints,
        cancelled: CancelCheck,
    ) -> Rendered: ...


class MusicMaker(Protocol):
    """Makes a background track of at least `duration_s` into `out` (an audio file ffmpeg can read)."""

    name: str

    async def compose(
        self, script: Script, *, duration_s: float, out: Path, checkpoints: Checkpoints, cancelled: CancelCheck
    ) -> Rendered: ...

"""One attempt at a claimed stage: its working directory, its heartbeat, its checkpoints in the ledger,
and when the next attempt comes after a transient failure."""

from __future__ import annotations

import asyncio
import contextlib
import math
import random
import shutil
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shared.errors import JobCancelled
from shared.ledger import Ledger
from shared.queue import Message, Queue


@dataclass(frozen=True)
class RedeliveryBackoff:
    """Visibility delay before a transient failure is retried: doubles per receive, with jitter."""

    base_s: float
    max_s: float

    def delay_s(self, receive_count: int) -> int:
        ceiling: float = min(self.max_s, self.base_s * 2.0 ** max(0, receive_count - 1))
        return max(1, math.floor(ceiling * random.uniform(0.5, 1.0) + 0.5))  # noqa: S311 (jitter, not crypto)


@dataclass
class LedgerCheckpoints:
    """Checkpoints persisted in the job's stage record, so a redelivery resumes paid work."""

    ledger: Ledger
    job_id: str
    stage_name: str
    owner: str
    values: dict[str, str]
    unit: int | None = None  # the unit of the stage's work these belong to (a scene), if any

    def get(self, key: str) -> str | None:
        return self.values.get(key)

    async def put(self, key: str, value: str) -> None:
        if not await self.ledger.put_checkpoint(
            self.job_id, self.stage_name, owner=self.owner, key=key, value=value, unit=self.unit
        ):
            raise JobCancelled(f"lost the claim on {self.stage_name} while checkpointing {key}")
        self.values[key] = value


@dataclass(frozen=True)
class Lease:
    """How one process holds a stage's claim: renewed every `heartbeat_s`, for `lease_s` at a time."""

    ledger: Ledger
    stage_name: str
    owner: str
    lease_s: float
    heartbeat_s: float
    visibility_timeout_s: int  # the queue's own timeout

    @contextlib.asynccontextmanager
    async def kept(
        self, job_id: str, queue: Queue, message: Message, log: Any, *, unit: int | None = None
    ) -> AsyncIterator[None]:
        """While the handler runs, keep the message invisible and the lease (of the stage, or of its `unit`) alive."""

        async def beat() -> None:
            while True:
                await asyncio.sleep(self.heartbeat_s)
                try:
                    await queue.set_visibility(message, int(self.lease_s))
                    if not await self.ledger.extend_lease(
                        job_id, self.stage_name, owner=self.owner, lease_s=self.lease_s, unit=unit
                    ):
                        log.warning("stage.lease_lost")
                except Exception as exc:  # a missed beat is survivable; the next one may land
                    log.warning("stage.heartbeat_failed", reason=describe(exc))

        if self.lease_s < self.visibility_timeout_s:
            # Until the first beat the message keeps the queue's (longer) timeout: a crash then
            # would leave it hidden well past the lease. Align the two before the work starts.
            await queue.set_visibility(message, int(self.lease_s))
        task = asyncio.create_task(beat())
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


@contextlib.asynccontextmanager
async def workdir(root: Path, prefix: str) -> AsyncIterator[Path]:
    """A fresh directory for one attempt, removed afterwards whatever happened."""
    root.mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix=prefix, dir=root))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def describe(exc: BaseException) -> str:
    """A failure in a line, for logs and the job's error."""
    if isinstance(exc, TimeoutError):
        return "the attempt ran past its time limit"
    return f"{type(exc).__name__}: {exc}"[:400]

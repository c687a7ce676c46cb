"""One ledger poll per job, however many progress streams watch it, and a cap on streams per user.

Each watched job has one poll task that reads the ledger every `poll_s` and wakes its streams when
the job changes; the task ends with the job or when its last stream leaves. A user may hold
`max_per_user` streams at once in this process; one more is refused (the route answers 429).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

import structlog

from shared.job import Job

FetchJob = Callable[[str], Awaitable[Job | None]]


class TooManyStreams(Exception):
    """The user already holds as many progress streams as allowed."""


@dataclass
class _Watch:
    job: Job
    version: int = 0
    gone: bool = False
    streams: int = 0
    changed: asyncio.Condition = field(default_factory=asyncio.Condition)
    task: asyncio.Task[None] | None = None


class ProgressHub:
    def __init__(self, fetch: FetchJob, *, poll_s: float, max_per_user: int) -> None:
        self._fetch = fetch
        self.poll_s = poll_s
        self.max_per_user = max_per_user
        self._watches: dict[str, _Watch] = {}
        self._per_user: Counter[str] = Counter()
        self.polls = 0  # ledger reads made, for the bench and the tests

    def reserve(self, user_id: str) -> None:
        """Takes one of the user's stream places (`TooManyStreams` when none is left); `release` gives it back."""
        if self._per_user[user_id] >= self.max_per_user:
            raise TooManyStreams(user_id)
        self._per_user[user_id] += 1

    def release(self, user_id: str) -> None:
        self._per_user[user_id] -= 1
        if self._per_user[user_id] <= 0:
            del self._per_user[user_id]

    def streams_of(self, user_id: str) -> int:
        return self._per_user[user_id]

    async def _poll(self, job_id: str, watch: _Watch) -> None:
        while not watch.job.terminal:
            await asyncio.sleep(self.poll_s)
            try:
                fresh = await self._fetch(job_id)
            except Exception as exc:  # a throttled or flaky read: the streams wait for the next poll
                structlog.get_logger().warning("progress.poll_failed", job_id=job_id, reason=type(exc).__name__)
                continue
            self.polls += 1
            async with watch.changed:
                if fresh is None:
                    watch.gone = True
                else:
                    watch.job = fresh
                watch.version += 1
                watch.changed.notify_all()
            if watch.gone:
                return

    @staticmethod
    async def _changed_since(watch: _Watch, seen: int, wait_s: float) -> None:
        async with watch.changed:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(watch.changed.wait_for(lambda: watch.version != seen), wait_s)

    async def follow(self, job: Job, *, wait_s: float) -> AsyncIterator[Job | None]:
        """The job now, then again each time the shared poll reads it (None: `wait_s` passed without a read).

        Ends when the job is gone from the ledger; the caller stops iterating once the job has ended.
        """
        watch = self._watches.get(job.job_id)
        if watch is None:
            watch = self._watches[job.job_id] = _Watch(job=job)
            watch.task = asyncio.create_task(self._poll(job.job_id, watch))
        watch.streams += 1
        try:
            seen = watch.version
            yield watch.job
            while not watch.gone:
                await self._changed_since(watch, seen, wait_s)
                if watch.version == seen:
                    yield None
                    continue
                seen = watch.version
                if not watch.gone:
                    yield watch.job
        finally:
            watch.streams -= 1
            if watch.streams == 0 and self._watches.get(job.job_id) is watch:
                del self._watches[job.job_id]
                if watch.task is not None:
                    watch.task.cancel()

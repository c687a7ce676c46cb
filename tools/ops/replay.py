"""Replaying dead letters into their source queue, with the failed job reset so the replayed stage runs.

Two paths: SQS's message-move API (all messages, asynchronous) where the endpoint supports it,
else receive → send → delete per message. The fallback sends before it deletes, so an
interrupted replay leaves a message in both queues rather than in neither; the duplicate is
harmless because the runtime claims each stage once.

A failed job is reset (its failed stages back to pending) before its message is sent, since a
stage never runs for a job that has ended. The stages that also stopped with it are restarted
with the events they consume (`restart_events`), as the gateway's retry does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import structlog

from shared.bus import Bus
from shared.ledger import Ledger
from shared.recovery import resume_failed_job
from shared.storage import Storage
from tools.ops.dlq import DeadLetter, DeadLetterQueue

ReplayMethod = Literal["message-move", "receive-send-delete"]
REPLAY_HOLD_S = 60  # how long a taken message stays hidden while it is sent back


@dataclass
class ReplayReport:
    method: ReplayMethod
    moved: int = 0
    jobs_reset: list[str] = field(default_factory=list)
    move_task: str | None = None
    move_error: str | None = None


@dataclass
class Replayer:
    dlq: DeadLetterQueue
    ledger: Ledger
    bus: Bus
    storage: Storage

    async def reset_job(self, job_id: str) -> bool:
        """Resets a failed job and restarts its other unfinished stages; False when the job was not failed."""
        if not self.dlq.stage.in_job:  # a side stage (the notifier) must not revive the job it reports on
            return False
        job = await self.ledger.get_job(job_id)
        if job is None:
            return False
        resumed = await resume_failed_job(self.ledger, self.bus, self.storage, job, replaying_stage=self.dlq.stage.name)
        return resumed is not None

    async def replay(self, *, job_id: str | None = None, use_move_api: bool = True) -> ReplayReport:
        """Every dead letter (job_id None) or one job's back to the source queue."""
        if job_id is None and use_move_api:
            report = await self._try_move()
            if report.method == "message-move":
                return report
        else:
            report = ReplayReport("receive-send-delete")
        await self._receive_send_delete(report, job_id)
        return report

    async def _try_move(self) -> ReplayReport:
        letters = await self.dlq.peek(limit=1000)
        jobs_reset = [job_id for job_id in _job_ids(letters) if await self.reset_job(job_id)]
        try:
            handle = await self.dlq.start_move()
        except Exception as exc:  # moto answers 500; other endpoints may lack the API or the permission
            structlog.get_logger().warning("dlq.move_api_unavailable", reason=f"{type(exc).__name__}: {exc}"[:200])
            return ReplayReport("receive-send-delete", jobs_reset=jobs_reset, move_error=type(exc).__name__)
        return ReplayReport("message-move", moved=len(letters), jobs_reset=jobs_reset, move_task=handle)

    async def _receive_send_delete(self, report: ReplayReport, job_id: str | None) -> None:
        kept: dict[str, DeadLetter] = {}
        try:
            while batch := [
                letter for letter in await self.dlq.take(hold_s=REPLAY_HOLD_S) if letter.message_id not in kept
            ]:
                for letter in batch:
                    if job_id is not None and letter.job_id != job_id:
                        kept[letter.message_id] = letter
                        continue
                    if letter.job_id and await self.reset_job(letter.job_id):
                        report.jobs_reset.append(letter.job_id)
                    await self.dlq.send_back(letter)
                    await self.dlq.delete(letter)  # only after the send succeeded
                    report.moved += 1
        finally:
            await self.dlq.release(list(kept.values()))


def _job_ids(letters: list[DeadLetter]) -> list[str]:
    return list(dict.fromkeys(letter.job_id for letter in letters if letter.job_id))

"""What `dlq list` and `dlq show` tell an operator: per-stage counts and ages, each letter with its job's failure."""

from __future__ import annotations

from dataclasses import dataclass

from shared.connections import Connections
from shared.ledger import Ledger
from shared.topology import STAGES
from tools.ops.dlq import DeadLetter, DeadLetterQueue, now_ms, oldest_age_s, open_dead_letter_queue

AGE_SAMPLE = 100  # messages peeked per DLQ to find the oldest one


@dataclass(frozen=True)
class DlqSummary:
    stage: str
    count: int
    oldest_age_s: float | None


@dataclass(frozen=True)
class DeadLetterView:
    message_id: str
    receive_count: int
    age_s: float
    event_type: str | None
    job_id: str | None
    poison_reason: str | None
    job_status: str | None
    failed_stage: str | None
    failure: str | None
    body: str


async def summarize(dlq: DeadLetterQueue) -> DlqSummary:
    count = await dlq.count()
    letters = await dlq.peek(limit=AGE_SAMPLE) if count else []
    return DlqSummary(dlq.stage.name, count, oldest_age_s(letters, now_ms()))


async def summarize_all(conn: Connections) -> list[DlqSummary]:
    return [await summarize(await open_dead_letter_queue(conn, stage)) for stage in STAGES]


async def view(letter: DeadLetter, ledger: Ledger, *, at_ms: int) -> DeadLetterView:
    event = letter.event()
    job = await ledger.get_job(event.job_id) if event else None
    return DeadLetterView(
        message_id=letter.message_id,
        receive_count=letter.receive_count,
        age_s=round(letter.age_s(at_ms), 1),
        event_type=event.event_type if event else None,
        job_id=event.job_id if event else None,
        poison_reason=letter.poison_reason(),
        job_status=job.status if job else None,
        failed_stage=job.error_stage if job else None,
        failure=job.error_reason if job else None,
        body=letter.body,
    )


async def show(dlq: DeadLetterQueue, ledger: Ledger, *, limit: int) -> list[DeadLetterView]:
    at_ms = now_ms()
    return [await view(letter, ledger, at_ms=at_ms) for letter in await dlq.peek(limit=limit)]

"""A stage's dead-letter queue seen by an operator: peek without consuming, take, send back, delete, purge.

Peeking receives with a short hold and then sets each message's visibility back to 0, so the
messages stay where they are (their receive count grows by one, which a DLQ ignores).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from shared.connections import Connections
from shared.events import Event, PoisonMessage, parse_event
from shared.queue import queue_url_for
from shared.topology import Stage

_BATCH = 10  # SQS's receive limit
PEEK_HOLD_S = 20  # long enough to page through a DLQ, short enough that a crash leaves it visible soon


@dataclass(frozen=True)
class DeadLetter:
    message_id: str
    receipt_handle: str
    body: str
    receive_count: int
    sent_at_ms: int
    attributes: dict[str, Any]

    def event(self) -> Event | None:
        try:
            return parse_event(self.body)
        except PoisonMessage:
            return None

    def poison_reason(self) -> str | None:
        try:
            parse_event(self.body)
        except PoisonMessage as exc:
            return str(exc)
        return None

    @property
    def job_id(self) -> str | None:
        event = self.event()
        return event.job_id if event else None

    def age_s(self, now_ms: int) -> float:
        return max(0.0, (now_ms - self.sent_at_ms) / 1000)


def oldest_age_s(letters: list[DeadLetter], now_ms: int) -> float | None:
    """Age of the oldest message seen; SQS has no oldest-age attribute (it is a CloudWatch metric)."""
    return max((letter.age_s(now_ms) for letter in letters), default=None)


def now_ms() -> int:
    return int(time.time() * 1000)


class DeadLetterQueue:
    """One stage's DLQ and the source queue its messages are replayed into."""

    def __init__(self, sqs: Any, stage: Stage, *, url: str, source_url: str) -> None:
        self._sqs = sqs
        self.stage = stage
        self.url = url
        self.source_url = source_url

    async def count(self) -> int:
        attributes = await self._attributes(self.url)
        return int(attributes["ApproximateNumberOfMessages"]) + int(attributes["ApproximateNumberOfMessagesNotVisible"])

    async def take(self, *, hold_s: int) -> list[DeadLetter]:
        """Receives up to one batch and hides it for `hold_s`; the caller deletes or releases each."""
        response = await self._sqs.receive_message(
            QueueUrl=self.url,
            MaxNumberOfMessages=_BATCH,
            WaitTimeSeconds=0,
            VisibilityTimeout=hold_s,
            MessageSystemAttributeNames=["ApproximateReceiveCount", "SentTimestamp"],
            MessageAttributeNames=["All"],
        )
        return [
            DeadLetter(
                message_id=m["MessageId"],
                receipt_handle=m["ReceiptHandle"],
                body=m["Body"],
                receive_count=int(m.get("Attributes", {}).get("ApproximateReceiveCount", "1")),
                sent_at_ms=int(m.get("Attributes", {}).get("SentTimestamp", "0")),
                attributes=m.get("MessageAttributes", {}),
            )
            for m in response.get("Messages", [])
        ]

    async def peek(self, *, limit: int = 100) -> list[DeadLetter]:
        """Up to `limit` messages, left in the queue and visible again when this returns."""
        seen: dict[str, DeadLetter] = {}
        try:
            while len(seen) < limit:
                batch = [letter for letter in await self.take(hold_s=PEEK_HOLD_S) if letter.message_id not in seen]
                if not batch:
                    break
                seen.update((letter.message_id, letter) for letter in batch)
        finally:
            await self.release(list(seen.values()))
        return list(seen.values())[:limit]

    async def release(self, letters: list[DeadLetter]) -> None:
        for letter in letters:
            await self._sqs.change_message_visibility(
                QueueUrl=self.url, ReceiptHandle=letter.receipt_handle, VisibilityTimeout=0
            )

    async def send_back(self, letter: DeadLetter) -> None:
        """Sends a copy to the source queue with its message attributes (the original stays until deleted)."""
        await self._sqs.send_message(
            QueueUrl=self.source_url,
            MessageBody=letter.body,
            MessageAttributes={
                name: {k: v for k, v in value.items() if k in {"DataType", "StringValue", "BinaryValue"}}
                for name, value in letter.attributes.items()
            },
        )

    async def delete(self, letter: DeadLetter) -> None:
        await self._sqs.delete_message(QueueUrl=self.url, ReceiptHandle=letter.receipt_handle)

    async def start_move(self) -> str:
        """SQS's own redrive (StartMessageMoveTask): every message back to the source queue, asynchronously."""
        source_arn = (await self._attributes(self.url, "QueueArn"))["QueueArn"]
        destination_arn = (await self._attributes(self.source_url, "QueueArn"))["QueueArn"]
        response = await self._sqs.start_message_move_task(SourceArn=source_arn, DestinationArn=destination_arn)
        handle: str = response["TaskHandle"]
        return handle

    async def purge(self) -> None:
        await self._sqs.purge_queue(QueueUrl=self.url)

    async def _attributes(self, url: str, *names: str) -> dict[str, str]:
        response = await self._sqs.get_queue_attributes(QueueUrl=url, AttributeNames=list(names) or ["All"])
        attributes: dict[str, str] = response["Attributes"]
        return attributes


async def open_dead_letter_queue(conn: Connections, stage: Stage) -> DeadLetterQueue:
    sqs = conn.clients.sqs
    return DeadLetterQueue(
        sqs,
        stage,
        url=await queue_url_for(sqs, conn.settings.name(stage.dlq_name)),
        source_url=await queue_url_for(sqs, conn.settings.name(stage.queue_name)),
    )

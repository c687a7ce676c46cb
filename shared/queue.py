"""One SQS queue: long-poll receive, delete, change visibility. Messages are never prefetched beyond free slots."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Message:
    message_id: str
    receipt_handle: str
    body: str
    receive_count: int


class Queue:
    def __init__(self, sqs: Any, url: str, name: str) -> None:
        self._sqs = sqs
        self.url = url
        self.name = name

    async def receive(self, *, max_messages: int, wait_s: int) -> list[Message]:
        response = await self._sqs.receive_message(
            QueueUrl=self.url,
            MaxNumberOfMessages=max(1, min(10, max_messages)),
            WaitTimeSeconds=wait_s,
            MessageSystemAttributeNames=["ApproximateReceiveCount"],
        )
        return [
            Message(
                message_id=m["MessageId"],
                receipt_handle=m["ReceiptHandle"],
                body=m["Body"],
                receive_count=int(m.get("Attributes", {}).get("ApproximateReceiveCount", "1")),
            )
            for m in response.get("Messages", [])
        ]

    async def delete(self, message: Message) -> None:
        await self._sqs.delete_message(QueueUrl=self.url, ReceiptHandle=message.receipt_handle)

    async def set_visibility(self, message: Message, timeout_s: int) -> None:
        await self._sqs.change_message_visibility(
            QueueUrl=self.url, ReceiptHandle=message.receipt_handle, VisibilityTimeout=max(0, min(43200, timeout_s))
        )

    async def send(self, body: str, *, event_type: str | None = None) -> None:
        attributes = {"event_type": {"DataType": "String", "StringValue": event_type}} if event_type else {}
        await self._sqs.send_message(QueueUrl=self.url, MessageBody=body, MessageAttributes=attributes)


async def queue_url_for(sqs: Any, name: str) -> str:
    url: str = (await sqs.get_queue_url(QueueName=name))["QueueUrl"]
    return url

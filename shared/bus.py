"""Publishing events to the SNS topic, with `event_type` as the message attribute filter policies route on."""

from __future__ import annotations

from typing import Any

from shared.events import Event, dump_event


class Bus:
    def __init__(self, sns: Any, topic_arn: str) -> None:
        self._sns = sns
        self.topic_arn = topic_arn

    async def publish(self, event: Event) -> str:
        response = await self._sns.publish(
            TopicArn=self.topic_arn,
            Message=dump_event(event),
            MessageAttributes={"event_type": {"DataType": "String", "StringValue": event.event_type}},
        )
        message_id: str = response["MessageId"]
        return message_id


async def topic_arn_for(sts_or_sns: Any, topic_name: str) -> str:
    """Finds the topic's ARN by name (services are given names, not ARNs)."""
    paginator = sts_or_sns.get_paginator("list_topics")
    async for page in paginator.paginate():
        for topic in page.get("Topics", []):
            if topic["TopicArn"].rsplit(":", 1)[-1] == topic_name:
                arn: str = topic["TopicArn"]
                return arn
    raise LookupError(f"no SNS topic named {topic_name!r}: start the local stack (make up) or apply terraform first")

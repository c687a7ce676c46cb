"""Queue depth per stage, as an operator (or an autoscaling rule) reads it: visible, in flight, delayed, dead."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shared.connections import Connections
from shared.queue import queue_url_for
from shared.topology import STAGES, Stage

_DEPTH_ATTRIBUTES = [
    "ApproximateNumberOfMessages",
    "ApproximateNumberOfMessagesNotVisible",
    "ApproximateNumberOfMessagesDelayed",
]


@dataclass(frozen=True)
class QueueDepth:
    stage: str
    visible: int
    in_flight: int
    delayed: int
    dead: int


def depth_from_attributes(stage: Stage, queue: dict[str, str], dlq: dict[str, str]) -> QueueDepth:
    """Dead letters count whether or not someone is peeking at them (visible + not visible)."""
    return QueueDepth(
        stage=stage.name,
        visible=int(queue.get("ApproximateNumberOfMessages", 0)),
        in_flight=int(queue.get("ApproximateNumberOfMessagesNotVisible", 0)),
        delayed=int(queue.get("ApproximateNumberOfMessagesDelayed", 0)),
        dead=int(dlq.get("ApproximateNumberOfMessages", 0)) + int(dlq.get("ApproximateNumberOfMessagesNotVisible", 0)),
    )


async def _attributes(sqs: Any, name: str) -> dict[str, str]:
    url = await queue_url_for(sqs, name)
    response = await sqs.get_queue_attributes(QueueUrl=url, AttributeNames=_DEPTH_ATTRIBUTES)
    attributes: dict[str, str] = response.get("Attributes", {})
    return attributes


async def queue_depths(conn: Connections) -> list[QueueDepth]:
    sqs, settings = conn.clients.sqs, conn.settings
    return [
        depth_from_attributes(
            stage,
            await _attributes(sqs, settings.name(stage.queue_name)),
            await _attributes(sqs, settings.name(stage.dlq_name)),
        )
        for stage in STAGES
    ]

"""What the runtime's integration tests share: an isolated topology per test, a probe queue, workers in a task.

Each test gets its own `resource_prefix`, so its topic, queues, DLQs and tables are its own. That isolates
tests more firmly than purging shared queues, which moto refuses more than once a minute per queue.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from shared.config import Settings
from shared.connections import Connections, connect
from shared.events import Event, make_event, parse_event
from shared.fanout import delivery_for
from shared.job import Job
from shared.queue import Message, Queue
from shared.request import AdRequest
from shared.stage import Handler, UnitsHandler
from shared.topology import stage
from shared.worker import Worker, owner_id
from tools.local.bootstrap import Created, bootstrap

# Leases and polls short enough that a crash or a retry shows within seconds.
FAST = {"lease_s": 2.0, "heartbeat_every_s": 0.5, "retry_base_s": 1.0, "poll_wait_s": 1, "shutdown_grace_s": 10.0}


def isolated_settings(settings: Settings, **overrides: Any) -> Settings:
    prefix = f"t{uuid.uuid4().hex[:10]}-"
    return settings.model_copy(update={"resource_prefix": prefix, **FAST, **overrides})


@dataclass
class Harness:
    settings: Settings
    created: Created
    conn: Connections
    probe: Queue

    async def new_job(self, user_id: str = "u-runtime") -> Job:
        job_id = f"job-{uuid.uuid4().hex[:12]}"
        job, _ = await self.conn.ledger.create_job(
            job_id=job_id,
            user_id=user_id,
            request=AdRequest(brief="A calm morning spot for a runtime test."),
            correlation_id=job_id,
        )
        return job

    async def submit(self, job: Job) -> Event:
        event = make_event("job.submitted", job_id=job.job_id, user_id=job.user_id)
        await self.conn.bus.publish(event)
        return event

    async def job(self, job_id: str) -> Job:
        found = await self.conn.ledger.get_job(job_id)
        assert found is not None
        return found

    async def wait_job(self, job_id: str, check: Callable[[Job], bool], timeout_s: float = 15.0) -> Job:
        deadline = time.monotonic() + timeout_s
        while True:
            job = await self.job(job_id)
            if check(job):
                return job
            if time.monotonic() > deadline:
                raise AssertionError(f"job never reached the expected state: {job.model_dump_json()[:800]}")
            await asyncio.sleep(0.05)

    async def stage_queue(self, stage_name: str) -> Queue:
        return await self.conn.queue(stage(stage_name))

    async def dead_letters(self, stage_name: str) -> Queue:
        return await self.conn.dead_letter_queue(stage(stage_name))

    async def depth(self, queue: Queue) -> tuple[int, int]:
        """(visible, in flight) message counts of a queue."""
        attrs = (
            await self.conn.clients.sqs.get_queue_attributes(
                QueueUrl=queue.url,
                AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
            )
        )["Attributes"]
        return int(attrs["ApproximateNumberOfMessages"]), int(attrs["ApproximateNumberOfMessagesNotVisible"])

    async def probe_events(self, until: Callable[[list[Event]], bool], timeout_s: float = 15.0) -> list[Event]:
        """Every event the topic published, as the probe queue saw them, until `until` holds."""
        seen: list[Event] = []
        deadline = time.monotonic() + timeout_s
        while not until(seen):
            if time.monotonic() > deadline:
                raise AssertionError(f"probe saw only {[e.event_id for e in seen]}")
            for message in await self.probe.receive(max_messages=10, wait_s=1):
                seen.append(parse_event(message.body))
                await self.probe.delete(message)
        return seen


async def _subscribe_probe(conn: Connections, settings: Settings, topic_arn: str) -> Queue:
    """A queue on the topic with no filter policy and raw delivery: it sees every event published."""
    sqs, sns = conn.clients.sqs, conn.clients.sns
    name = settings.name("probe")
    url = (await sqs.create_queue(QueueName=name))["QueueUrl"]
    arn = (await sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"]))["Attributes"]["QueueArn"]
    await sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": "true"})
    return Queue(sqs, url, name)


@contextlib.asynccontextmanager
async def harness(settings: Settings) -> AsyncIterator[Harness]:
    created = await asyncio.to_thread(bootstrap, settings)
    async with connect(settings) as conn:
        probe = await _subscribe_probe(conn, settings, created.topic_arn)
        yield Harness(settings, created, conn, probe)


@contextlib.asynccontextmanager
async def running(
    conn: Connections, stage_name: str, handler: Handler | UnitsHandler, *, queue: Queue | None = None
) -> AsyncIterator[Worker]:
    """A stage worker in a task of this event loop, stopped (gracefully) on exit."""
    declared = stage(stage_name)
    delivery = delivery_for(declared, handler, conn, queue or await conn.queue(declared), owner=owner_id(declared.name))
    worker = Worker(
        delivery,
        concurrency=conn.settings.worker_concurrency(declared.concurrency),
        poll_wait_s=conn.settings.poll_wait_s,
        grace_s=conn.settings.shutdown_grace_s,
    )
    stop = asyncio.Event()
    task = asyncio.create_task(worker.run(stop))
    try:
        yield worker
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=30)


class RecordingQueue(Queue):
    """The real queue, remembering the receive counts it saw and the visibility changes asked of it."""

    def __init__(self, queue: Queue) -> None:
        super().__init__(queue._sqs, queue.url, queue.name)
        self.receive_counts: list[int] = []
        self.visibility_changes: list[int] = []

    async def receive(self, *, max_messages: int, wait_s: int) -> list[Message]:
        messages = await super().receive(max_messages=max_messages, wait_s=wait_s)
        self.receive_counts += [m.receive_count for m in messages]
        return messages

    async def set_visibility(self, message: Message, timeout_s: int) -> None:
        self.visibility_changes.append(timeout_s)
        await super().set_visibility(message, timeout_s)


async def eventually(check: Callable[[], Awaitable[bool]], timeout_s: float = 15.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError("the condition never held")
        await asyncio.sleep(0.05)


def event_body(job_id: str, user_id: str, **changes: Any) -> str:
    body = json.loads(make_event("job.submitted", job_id=job_id, user_id=user_id).model_dump_json())
    body.update(changes)
    return json.dumps(body)

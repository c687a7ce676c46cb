"""Event hop latency: publish → the next stage's handler starts, against the emulator's own publish → receive.

Run: `.venv/bin/python -m bench.hop_latency [--samples 200]`. Starts its own emulator and bootstrap, runs the
`script` stage worker **in this process** (the real Delivery/Worker, on its own clients), and interleaves two
measurements so machine load hits both alike:
- hop: publish `job.submitted` → the worker's handler starts (receive, parse, claim in the ledger, context);
- raw: publish → a plain aiobotocore long poll on a queue subscribed to the same topic (raw delivery) returns.
One message is in flight at a time and the next is published only after the previous one is settled, so the
queues stay shallow (moto's receive cost grows with queue depth). Goal: median hop ≤ 2× median raw, < 25 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from shared.aws import async_client
from shared.config import Settings
from shared.connections import Connections, connect
from shared.delivery import Delivery
from shared.events import Event, make_event
from shared.logging import configure_logging
from shared.payloads import ScriptCompletedPayload
from shared.queue import Message, Queue
from shared.request import AdRequest
from shared.stage import StageContext, StageResult
from shared.topology import stage
from shared.worker import Worker, owner_id
from tools.local.bootstrap import bootstrap
from tools.local.emulator import running_emulator

RAW_EVENT_TYPE = "bench.raw"  # routed only to the raw probe queue by its filter policy
SETTLE_S = 0.03  # after each sample, so the worker finishes recording and deleting before the next publish


class TimedQueue(Queue):
    """The worker's queue, noting when each receive returned a message (to split the hop in two)."""

    def __init__(self, queue: Queue, received_at: dict[str, float]) -> None:
        super().__init__(queue._sqs, queue.url, queue.name)
        self.received_at = received_at

    async def receive(self, *, max_messages: int, wait_s: int) -> list[Message]:
        messages = await super().receive(max_messages=max_messages, wait_s=wait_s)
        now = time.perf_counter()
        for message in messages:
            self.received_at[message.message_id] = now
        return messages


class Hop:
    """The stage side of the hop: a handler that records when it starts."""

    def __init__(self) -> None:
        self.started_at: dict[str, float] = {}
        self.started = asyncio.Event()

    async def handle(self, event: Event, ctx: StageContext) -> StageResult:
        self.started_at[event.job_id] = time.perf_counter()
        self.started.set()
        payload = ScriptCompletedPayload(script_key="s.json", duration_s=30, scene_count=4, needs_narration=False)
        return StageResult("script.completed", payload)


async def _raw_probe(settings: Settings, sqs: object, topic_arn: str) -> str:
    sqs_client: object = sqs
    url: str = (await sqs_client.create_queue(QueueName=settings.name("bench-raw")))["QueueUrl"]  # type: ignore[attr-defined]
    arn = (await sqs_client.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"]))["Attributes"]["QueueArn"]  # type: ignore[attr-defined]
    async with async_client(settings, "sns") as sns:
        await sns.subscribe(
            TopicArn=topic_arn,
            Protocol="sqs",
            Endpoint=arn,
            Attributes={"RawMessageDelivery": "true", "FilterPolicy": f'{{"event_type": ["{RAW_EVENT_TYPE}"]}}'},
        )
    return url


async def _raw_sample(sns: object, sqs: object, topic_arn: str, url: str) -> float:
    """One publish → long-poll-receive, with a poll already waiting when the publish goes out."""
    poll = asyncio.create_task(
        sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1, WaitTimeSeconds=20)  # type: ignore[attr-defined]
    )
    await asyncio.sleep(SETTLE_S)  # let the poll reach the server before publishing
    published = time.perf_counter()
    await sns.publish(  # type: ignore[attr-defined]
        TopicArn=topic_arn,
        Message='{"bench": true}',
        MessageAttributes={"event_type": {"DataType": "String", "StringValue": RAW_EVENT_TYPE}},
    )
    response = await poll
    received = time.perf_counter()
    for message in response.get("Messages", []):
        await sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])  # type: ignore[attr-defined]
    return received - published


async def _hop_sample(conn: Connections, hop: Hop, job_id: str) -> tuple[float, float]:
    """One publish → handler start; also returns publish → the worker's receive returning."""
    hop.started.clear()
    event = make_event("job.submitted", job_id=job_id, user_id="bench")
    published = time.perf_counter()
    await conn.bus.publish(event)
    await asyncio.wait_for(hop.started.wait(), 10)
    return hop.started_at[job_id] - published, published


def _summary(name: str, samples_s: list[float]) -> str:
    ms = sorted(s * 1000 for s in samples_s)
    p95 = ms[min(len(ms) - 1, round(0.95 * len(ms)) - 1)]
    return f"{name:<34} median {statistics.median(ms):7.2f} ms   p95 {p95:7.2f} ms   (n={len(ms)})"


async def measure(settings: Settings, samples: int) -> None:
    created = await asyncio.to_thread(bootstrap, settings)
    async with connect(settings) as conn, async_client(settings, "sqs") as sqs, async_client(settings, "sns") as sns:
        raw_url = await _raw_probe(settings, sqs, created.topic_arn)
        job_ids = []
        for _ in range(samples):
            job, _ = await conn.ledger.create_job(
                job_id=f"bench-{uuid.uuid4().hex[:12]}",
                user_id="bench",
                request=AdRequest(brief="A benchmark brief for the event hop."),
                correlation_id="bench",
            )
            job_ids.append(job.job_id)

        hop, received_at = Hop(), dict[str, float]()
        declared = stage("script")
        queue = TimedQueue(await conn.queue(declared), received_at)
        worker = Worker(
            Delivery(declared, hop.handle, conn, queue, owner=owner_id(declared.name)),
            concurrency=1,
            poll_wait_s=20,
            grace_s=5,
        )
        stop = asyncio.Event()
        running = asyncio.create_task(worker.run(stop))
        await asyncio.sleep(0.5)

        raw, hops, to_receive = [], [], []
        for job_id in job_ids:
            raw.append(await _raw_sample(sns, sqs, created.topic_arn, raw_url))
            before = set(received_at)
            hop_s, published = await _hop_sample(conn, hop, job_id)
            hops.append(hop_s)
            new = [received_at[m] for m in set(received_at) - before]
            if new:
                to_receive.append(min(new) - published)
            await asyncio.sleep(SETTLE_S)
        stop.set()
        await running

    overhead = [h - r for h, r in zip(hops, to_receive, strict=False)]
    print(_summary("raw publish → long-poll receive", raw))
    print(_summary("hop publish → handler start", hops))
    print(_summary("  of which publish → worker receive", to_receive))
    print(_summary("  of which receive → handler start", overhead))
    ratio = statistics.median(hops) / statistics.median(raw)
    print(f"ratio median_hop / median_raw = {ratio:.2f}  (goal ≤ 2, and median hop < 25 ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--samples", type=int, default=200)
    args = parser.parse_args()
    with running_emulator() as emulator, tempfile.TemporaryDirectory() as workdir:
        os.environ.update(emulator.env())  # dummy credentials and endpoints for the clients
        settings = Settings(
            aws_endpoint_url=emulator.endpoint_url,
            aws_endpoint_url_dynamodb=emulator.dynamodb_endpoint_url,
            log_format="console",
            log_level="WARNING",
            workdir=Path(workdir),
        )
        configure_logging(settings)
        asyncio.run(measure(settings, args.samples))


if __name__ == "__main__":
    main()

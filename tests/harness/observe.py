"""What whole-stack tests observe of a running stack: a probe on the topic, the ledger, queues, logs, workers' pids.

Everything here observes the stack from outside, as an operator would: SQS/SNS/DynamoDB through
boto3 against the emulator, the fakes' `/_fake/stats`, the launcher's JSON log lines, and /proc
to find which process holds which stage (a lease owner is `stage@host:pid:nonce`).
"""

from __future__ import annotations

import json
import os
import signal
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from boto3.dynamodb.types import TypeDeserializer

from shared.topology import ASSETS_BUCKET, JOB_STAGES, JOBS_TABLE, STAGES, TOPIC_NAME
from tests.harness.processes import ProcessId, children_of
from tests.harness.stack import RunningStack

TERMINAL = {"completed", "failed", "cancelled"}


@dataclass
class Probe:
    """An SQS queue subscribed to the topic with no filter: every event published, in order of arrival."""

    stack: RunningStack
    url: str = ""
    seen: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        sqs, sns = self.stack.aws("sqs"), self.stack.aws("sns")
        self.url = sqs.create_queue(QueueName="chaos-probe")["QueueUrl"]  # type: ignore[attr-defined]
        arn = sqs.get_queue_attributes(QueueUrl=self.url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]  # type: ignore[attr-defined]
        subscription = sns.subscribe(TopicArn=topic_arn(self.stack), Protocol="sqs", Endpoint=arn,  # type: ignore[attr-defined]
                                     ReturnSubscriptionArn=True)["SubscriptionArn"]  # fmt: skip
        sns.set_subscription_attributes(SubscriptionArn=subscription, AttributeName="RawMessageDelivery",  # type: ignore[attr-defined]
                                        AttributeValue="true")  # fmt: skip

    def drain(self) -> list[dict[str, Any]]:
        """The events that arrived since the last drain (also kept in `seen`)."""
        sqs: Any = self.stack.aws("sqs")
        fresh: list[dict[str, Any]] = []
        while batch := sqs.receive_message(QueueUrl=self.url, MaxNumberOfMessages=10, WaitTimeSeconds=0).get(
            "Messages", []
        ):
            fresh += [json.loads(m["Body"]) for m in batch]
            sqs.delete_message_batch(
                QueueUrl=self.url,
                Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(batch)],
            )
        self.seen += fresh
        return fresh

    def distinct_event_ids(self, event_type: str, job_id: str) -> set[str]:
        return {e["event_id"] for e in self.seen if e["event_type"] == event_type and e["job_id"] == job_id}


def topic_arn(stack: RunningStack) -> str:
    sns: Any = stack.aws("sns")
    return next(str(t["TopicArn"]) for t in sns.list_topics()["Topics"] if t["TopicArn"].endswith(f":{TOPIC_NAME}"))


def publish(stack: RunningStack, event: dict[str, Any] | str, *, event_type: str) -> None:
    sns: Any = stack.aws("sns")
    body = event if isinstance(event, str) else json.dumps(event)
    sns.publish(TopicArn=topic_arn(stack), Message=body,
                MessageAttributes={"event_type": {"DataType": "String", "StringValue": event_type}})  # fmt: skip


def _plain(item: dict[str, Any]) -> dict[str, Any]:
    deserialize = TypeDeserializer().deserialize
    job: dict[str, Any] = json.loads(json.dumps({k: deserialize(v) for k, v in item.items()}, default=float))
    return job


def ledger_job(stack: RunningStack, job_id: str) -> dict[str, Any]:
    db: Any = stack.aws("dynamodb")
    return _plain(db.get_item(TableName=JOBS_TABLE, Key={"job_id": {"S": job_id}}, ConsistentRead=True).get("Item", {}))


def ledger_statuses(stack: RunningStack, job_ids: list[str]) -> dict[str, str | None]:
    """Many jobs' statuses, a hundred to a request (BatchGetItem projecting the status alone): watching a hundred
    jobs reads a few kilobytes a second from the emulator the stages share, not their whole records. A job not
    found maps to None."""
    db: Any = stack.aws("dynamodb")
    found: dict[str, str | None] = {}
    for start in range(0, len(job_ids), 100):
        keys = [{"job_id": {"S": job_id}} for job_id in job_ids[start : start + 100]]
        wanted: Any = {JOBS_TABLE: {"Keys": keys, "ConsistentRead": True, "ProjectionExpression": "job_id, #s",
                                    "ExpressionAttributeNames": {"#s": "status"}}}  # fmt: skip
        while wanted:
            answer = db.batch_get_item(RequestItems=wanted)
            for item in answer["Responses"].get(JOBS_TABLE, []):
                found[item["job_id"]["S"]] = item.get("status", {}).get("S")
            wanted = answer.get("UnprocessedKeys") or None
    return {job_id: found.get(job_id) for job_id in job_ids}


def queue_url(stack: RunningStack, name: str) -> str:
    sqs: Any = stack.aws("sqs")
    return str(sqs.get_queue_url(QueueName=name)["QueueUrl"])


def queue_depth(stack: RunningStack, name: str) -> tuple[int, int]:
    """(visible, in flight) as SQS approximates them."""
    sqs: Any = stack.aws("sqs")
    names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    attributes = sqs.get_queue_attributes(QueueUrl=queue_url(stack, name), AttributeNames=names)["Attributes"]
    return int(attributes[names[0]]), int(attributes[names[1]])


def dlq_bodies(stack: RunningStack, stage_name: str) -> list[str]:
    """Every dead letter's body, left in place (received with a short hold, then made visible again)."""
    sqs: Any = stack.aws("sqs")
    url = queue_url(stack, next(s for s in STAGES if s.name == stage_name).dlq_name)
    bodies: dict[str, str] = {}
    handles = []
    while batch := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=10).get("Messages", []):
        bodies.update({m["MessageId"]: m["Body"] for m in batch})
        handles += [m["ReceiptHandle"] for m in batch]
    for handle in handles:
        sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=0)
    return list(bodies.values())


def purge_dlqs(stack: RunningStack) -> None:
    """Empties every DLQ by receiving and deleting (SQS allows one PurgeQueue a minute per queue)."""
    sqs: Any = stack.aws("sqs")
    for declared in STAGES:
        url = queue_url(stack, declared.dlq_name)
        while batch := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=30).get(
            "Messages", []
        ):
            entries = [{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(batch)]
            sqs.delete_message_batch(QueueUrl=url, Entries=entries)


def service_pids(stack: RunningStack) -> dict[int, str]:
    """pid → stage name of every stage service process the launcher runs now."""
    modules = {s.service_module: s.name for s in STAGES}
    found: dict[int, str] = {}
    for pid in children_of(stack.process.pid):
        argv = known.cmdline.split() if (known := ProcessId.read(pid)) else []
        if "-m" in argv[:-1] and (name := modules.get(argv[argv.index("-m") + 1])):
            found[pid] = name
    return found


def running_owners(
    stack: RunningStack, job_ids: list[str], *, min_running_s: float = 0.0
) -> list[tuple[str, str, int]]:
    """(job_id, stage, owner pid) for every stage (or unit of a stage: a scene) some process has been working on
    for `min_running_s` or more."""
    busy = []
    now = time.time()
    for job_id in job_ids:
        job = ledger_job(stack, job_id)
        if job.get("status") in TERMINAL:
            continue
        for declared in JOB_STAGES:
            state = job.get("stages", {}).get(declared.name, {})
            for held in [state, *state.get("scenes", {}).values()]:
                if (
                    held.get("status") == "running"
                    and held.get("owner")
                    and held.get("lease_expires_at", 0) > time.time()
                    and held.get("started_at", now) < now - min_running_s
                ):
                    busy.append((job_id, declared.name, int(held["owner"].split(":")[1])))
    return busy


def unit_owners(stack: RunningStack, job_id: str, stage_name: str = "clips") -> dict[int, str]:
    """Scene index → the owner (`stage@host:pid:nonce`) that claimed it last."""
    scenes = ledger_job(stack, job_id).get("stages", {}).get(stage_name, {}).get("scenes", {})
    return {int(index): state["owner"] for index, state in scenes.items() if state.get("owner")}


def _held(state: dict[str, Any], now: float) -> bool:
    return state.get("status") == "running" and bool(state.get("owner")) and state.get("lease_expires_at", 0) > now


def held_stages(stack: RunningStack, job_id: str) -> list[str]:
    """The job's stages some worker holds now (the stage, or one of its scenes: running, lease not expired),
    whatever the job's own status."""
    now = time.time()
    stages = ledger_job(stack, job_id).get("stages", {})
    return [
        name
        for name, state in stages.items()
        if _held(state, now) or any(_held(unit, now) for unit in state.get("scenes", {}).values())
    ]


def lease_of(stack: RunningStack, job_id: str, stage_name: str) -> float:
    """When the stage's lease (or its latest scene's lease) runs out, 0 when nobody holds it: a heartbeat moves it."""
    state = ledger_job(stack, job_id).get("stages", {}).get(stage_name, {})
    leases = [
        state.get("lease_expires_at") or 0,
        *((u.get("lease_expires_at") or 0) for u in state.get("scenes", {}).values()),
    ]
    return float(max(leases))


def queues_idle(stack: RunningStack, *extra_queues: str) -> bool:
    """No message waiting or in flight on any stage queue (nor on `extra_queues`)."""
    names = [s.queue_name for s in STAGES] + list(extra_queues)
    return all(queue_depth(stack, name) == (0, 0) for name in names)


def kill(pid: int, signum: signal.Signals = signal.SIGKILL) -> bool:
    try:
        os.kill(pid, signum)
    except ProcessLookupError:
        return False
    return True


def log_records(stack: RunningStack) -> list[dict[str, Any]]:
    """The services' JSON log lines (the launcher prefixes each with `label | `)."""
    records = []
    for line in stack.log_path.read_text(errors="replace").splitlines():
        _, sep, rest = line.partition("| ")
        if sep and rest.startswith("{"):
            try:
                records.append(json.loads(rest))
            except json.JSONDecodeError:
                continue
    return records


def completions_per_stage(stack: RunningStack, job_ids: list[str]) -> Counter[tuple[str, str]]:
    """How many times each (job, stage) recorded a completion — the runtime logs `stage.completed` once per run."""
    wanted = set(job_ids)
    return Counter(
        (r["job_id"], r["stage"])
        for r in log_records(stack)
        if r.get("event") == "stage.completed" and r.get("job_id") in wanted
    )


def restarts(stack: RunningStack) -> int:
    return stack.log_path.read_text(errors="replace").count("; restarting")


def submit(stack: RunningStack, brief: dict[str, Any]) -> str:
    with stack.client() as client:
        response = client.post("/api/v1/generate", json=brief)
    assert response.status_code == 202, response.text
    return str(response.json()["job_id"])


def all_ended(stack: RunningStack, job_ids: list[str]) -> bool:
    return all(status in TERMINAL for status in ledger_statuses(stack, job_ids).values())


def wait_all(stack: RunningStack, job_ids: list[str], *, timeout_s: float) -> dict[str, dict[str, Any]]:
    """Each job's ledger record once all have ended (or as they are at the deadline)."""
    deadline = time.monotonic() + timeout_s
    while True:
        ended = all(status in TERMINAL for status in ledger_statuses(stack, job_ids).values())
        if ended or time.monotonic() > deadline:
            return {job_id: ledger_job(stack, job_id) for job_id in job_ids}
        time.sleep(0.5)


def final_video_keys(stack: RunningStack, job_id: str, user_id: str) -> list[str]:
    s3: Any = stack.aws("s3")
    listed = s3.list_objects_v2(Bucket=ASSETS_BUCKET, Prefix=f"users/{user_id}/jobs/{job_id}/final/")
    return [o["Key"] for o in listed.get("Contents", [])]

"""No job stranded at submit, over real HTTP: the job and its pending publish are one ledger write, and the
gateway's outbox relay publishes for a job whose publish failed or whose gateway died before publishing.

Each test runs on its own resource prefix, so deleting the topic (to make publishing fail) touches no one else.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import time
import uuid
from collections.abc import Iterator

import httpx
import pytest

from shared.aws import sync_client
from shared.config import Settings
from shared.connections import connect
from shared.events import new_correlation_id
from shared.request import AdRequest
from shared.topology import JOBS_TABLE
from tests.harness.gateway import RunningGateway, running_gateway
from tests.harness.runtime import isolated_settings
from tools.local.bootstrap import Created, bootstrap

pytestmark = pytest.mark.integration

USER = "outbox-user"
BRIEF = {"brief": "Thirty seconds for a calm morning allergy relief spot", "duration_s": 12}
RELAY = {"PHARMAGEN_OUTBOX_RELAY_S": "0.3", "PHARMAGEN_OUTBOX_GRACE_S": "0.5"}


@pytest.fixture(scope="module")
def isolated(settings: Settings) -> tuple[Settings, Created]:
    own = isolated_settings(settings)
    return own, bootstrap(own)


@pytest.fixture(scope="module")
def gateway(isolated: tuple[Settings, Created], tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningGateway]:
    own, _ = isolated
    env = {**RELAY, "PHARMAGEN_RESOURCE_PREFIX": own.resource_prefix}
    with running_gateway(users=[USER], log_path=tmp_path_factory.mktemp("gw-outbox") / "gw.log", extra_env=env) as gw:
        yield gw


def _submitted_ids(own: Settings, created: Created, job_id: str, *, timeout_s: float = 10.0) -> list[str]:
    """Every job.submitted for the job taken off the script queue (waits for the first, then drains)."""
    sqs = sync_client(own, "sqs")
    deadline = time.monotonic() + timeout_s
    found: list[str] = []
    while time.monotonic() < deadline:
        messages = sqs.receive_message(
            QueueUrl=created.queue_urls["script"], MaxNumberOfMessages=10, WaitTimeSeconds=1
        ).get("Messages", [])
        for message in messages:
            body = json.loads(message["Body"])
            if body["job_id"] == job_id and body["event_type"] == "job.submitted":
                found.append(body["event_id"])
        if found and not messages:
            return found
    return found


def _outbox_mark(own: Settings, job_id: str) -> str | None:
    item = sync_client(own, "dynamodb").get_item(
        TableName=own.name(JOBS_TABLE), Key={"job_id": {"S": job_id}}, ConsistentRead=True
    )["Item"]
    return item.get("outbox", {}).get("S")


def test_a_normal_submit_publishes_once_and_clears_the_outbox(
    gateway: RunningGateway, isolated: tuple[Settings, Created]
) -> None:
    own, created = isolated
    response = httpx.post(f"{gateway.base_url}/api/v1/generate", json=BRIEF, headers=gateway.headers(USER))
    job_id = response.json()["job_id"]
    assert _submitted_ids(own, created, job_id) == [f"{job_id}:job.submitted:0"]
    assert _outbox_mark(own, job_id) is None


def test_a_failed_publish_still_answers_202_and_the_relay_publishes_once_it_can(
    gateway: RunningGateway, isolated: tuple[Settings, Created]
) -> None:
    own, created = isolated
    sns = sync_client(own, "sns")
    sns.delete_topic(TopicArn=created.topic_arn)  # every publish now fails

    response = httpx.post(f"{gateway.base_url}/api/v1/generate", json=BRIEF, headers=gateway.headers(USER))
    assert response.status_code == 202
    job_id = response.json()["job_id"]
    time.sleep(1.5)  # several relay passes fail meanwhile, and keep the mark
    assert _outbox_mark(own, job_id) == "pending"

    # The topic and its subscriptions come back while the gateway is paused: a relay pass between the two
    # would publish to a topic nobody listens to yet (a test artefact: a deployment never deletes its topic).
    os.kill(gateway.pid, signal.SIGSTOP)
    try:
        assert bootstrap(own).topic_arn == created.topic_arn
    finally:
        os.kill(gateway.pid, signal.SIGCONT)
    assert _submitted_ids(own, created, job_id) == [f"{job_id}:job.submitted:0"]
    assert _outbox_mark(own, job_id) is None


def test_a_job_written_by_a_gateway_that_died_before_publishing_is_published_by_another(
    gateway: RunningGateway, isolated: tuple[Settings, Created]
) -> None:
    """The dead gateway's last act is the ledger write; the running gateway's relay takes over."""
    own, created = isolated
    job_id = uuid.uuid4().hex

    async def write_only() -> None:
        async with connect(own) as conn:
            await conn.ledger.create_job(
                job_id=job_id,
                user_id=USER,
                request=AdRequest(brief=BRIEF["brief"], duration_s=12),
                correlation_id=new_correlation_id(),
            )

    asyncio.run(write_only())
    assert _outbox_mark(own, job_id) == "pending"
    assert _submitted_ids(own, created, job_id) == [f"{job_id}:job.submitted:0"]
    assert _outbox_mark(own, job_id) is None

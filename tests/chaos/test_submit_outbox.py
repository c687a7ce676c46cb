"""A job stranded at submit: its publish fails and the gateway is killed right after the ledger write.

The topic is taken away, so the gateway's publish of job.submitted fails after the job (and its
pending publish, the outbox mark) is written; the gateway answers 202 anyway. While it is frozen the
topic comes back, then the gateway is killed outright. The launcher restarts it, its outbox relay
publishes the job's submit event, and the job completes, once.
"""

from __future__ import annotations

import os
import signal
from typing import Any

import pytest

from tests.chaos.conftest import brief
from tests.harness.fakes import FakeProviders
from tests.harness.observe import Probe, completions_per_stage, ledger_job, restarts, submit, topic_arn, wait_all
from tests.harness.processes import ProcessId, children_of, wait_for
from tests.harness.stack import RunningStack

pytestmark = pytest.mark.chaos


def _gateway_pid(stack: RunningStack) -> int:
    for pid in children_of(stack.process.pid):
        known = ProcessId.read(pid)
        argv = known.cmdline.split() if known else []
        if "-m" in argv[:-1] and argv[argv.index("-m") + 1] == "services.gateway":
            return pid
    raise AssertionError("no gateway process under the launcher")


def _take_topic_away(sns: Any, arn: str) -> list[dict[str, Any]]:
    """Deletes the topic (every publish fails from now on); returns what is needed to put it back."""
    subscriptions = []
    for sub in sns.list_subscriptions_by_topic(TopicArn=arn)["Subscriptions"]:
        attributes = sns.get_subscription_attributes(SubscriptionArn=sub["SubscriptionArn"])["Attributes"]
        subscriptions.append(
            {
                "Protocol": sub["Protocol"],
                "Endpoint": sub["Endpoint"],
                "Attributes": {k: v for k, v in attributes.items() if k in {"RawMessageDelivery", "FilterPolicy"}},
            }
        )
    sns.delete_topic(TopicArn=arn)
    return subscriptions


def _put_topic_back(sns: Any, arn: str, subscriptions: list[dict[str, Any]]) -> None:
    assert sns.create_topic(Name=arn.rsplit(":", 1)[1])["TopicArn"] == arn
    for sub in subscriptions:
        sns.subscribe(TopicArn=arn, Protocol=sub["Protocol"], Endpoint=sub["Endpoint"], Attributes=sub["Attributes"])


def test_a_job_whose_publish_failed_and_whose_gateway_died_still_completes_once(
    chaos_stack: RunningStack, calm: FakeProviders, probe: Probe
) -> None:
    sns, arn = chaos_stack.aws("sns"), topic_arn(chaos_stack)
    gateway = _gateway_pid(chaos_stack)
    restarts_before = restarts(chaos_stack)
    subscriptions = _take_topic_away(sns, arn)
    try:
        job_id = submit(chaos_stack, brief())  # 202: the job is written with its publish pending
        assert ledger_job(chaos_stack, job_id).get("outbox") == "pending"
        os.kill(gateway, signal.SIGSTOP)  # frozen: its relay cannot publish to a half-restored topic
    finally:
        _put_topic_back(sns, arn, subscriptions)
    os.kill(gateway, signal.SIGKILL)

    wait_for(lambda: restarts(chaos_stack) > restarts_before, timeout_s=60, what="the gateway restarted")
    ended = wait_all(chaos_stack, [job_id], timeout_s=300)
    assert ended[job_id]["status"] == "completed"
    assert "outbox" not in ledger_job(chaos_stack, job_id)
    completions = completions_per_stage(chaos_stack, [job_id])
    assert {stage: n for (_, stage), n in completions.items()} == {
        "script": 1,
        "keyframes": 1,
        "narration": 1,
        "clips": 1,
        "music": 1,
        "composer": 1,
    }
    probe.drain()
    assert probe.distinct_event_ids("job.submitted", job_id) == {f"{job_id}:job.submitted:0"}
    assert probe.distinct_event_ids("job.completed", job_id) == {f"{job_id}:job.completed:0"}

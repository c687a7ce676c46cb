"""The bootstrap creates the declared topology in the emulator, and running it again changes nothing."""

from __future__ import annotations

import contextlib
import json
from typing import Any

import pytest

from shared.aws import sync_client
from shared.config import Settings
from shared.topology import JOBS_TABLE, STAGES
from tests.harness.runtime import isolated_settings
from tools.local.bootstrap import bootstrap, filter_policy

pytestmark = pytest.mark.integration

_COMPARED = ("VisibilityTimeout", "ReceiveMessageWaitTimeSeconds", "RedrivePolicy", "Policy", "QueueArn")


def _queue_attributes(sqs: Any, url: str) -> dict[str, Any]:
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    return {k: json.loads(attrs[k]) if k in {"RedrivePolicy", "Policy"} else attrs[k] for k in _COMPARED if k in attrs}


def _subscriptions(sns: Any, topic_arn: str) -> list[dict[str, Any]]:
    subscriptions: list[dict[str, Any]] = sns.list_subscriptions_by_topic(TopicArn=topic_arn)["Subscriptions"]
    return subscriptions


def _subscription_attributes(sns: Any, topic_arn: str) -> dict[str, dict[str, str]]:
    return {
        sub["Endpoint"]: sns.get_subscription_attributes(SubscriptionArn=sub["SubscriptionArn"])["Attributes"]
        for sub in _subscriptions(sns, topic_arn)
    }


@pytest.fixture
def fresh(settings: Settings) -> Settings:
    return isolated_settings(settings)


def test_a_second_bootstrap_returns_the_same_resources_and_changes_no_attribute(fresh: Settings):
    sqs, sns = sync_client(fresh, "sqs"), sync_client(fresh, "sns")
    first = bootstrap(fresh)
    queues_before = {url: _queue_attributes(sqs, url) for url in first.queue_urls.values()}
    subscriptions_before = _subscription_attributes(sns, first.topic_arn)

    second = bootstrap(fresh)

    assert second == first
    assert {url: _queue_attributes(sqs, url) for url in second.queue_urls.values()} == queues_before
    assert _subscription_attributes(sns, second.topic_arn) == subscriptions_before


def test_a_second_bootstrap_leaves_one_subscription_per_stage_queue(fresh: Settings):
    sns = sync_client(fresh, "sns")
    bootstrap(fresh)

    created = bootstrap(fresh)

    endpoints = [sub["Endpoint"] for sub in _subscriptions(sns, created.topic_arn)]
    assert len(endpoints) == len(STAGES)
    assert len(set(endpoints)) == len(STAGES)


def test_every_stage_queue_redrives_to_its_dead_letter_queue_after_its_receive_count(fresh: Settings):
    sqs = sync_client(fresh, "sqs")

    created = bootstrap(fresh)

    for declared in STAGES:
        attrs = _queue_attributes(sqs, created.queue_urls[declared.name])
        dlq_arn = _queue_attributes(sqs, created.dlq_urls[declared.name])["QueueArn"]
        assert attrs["RedrivePolicy"] == {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": declared.max_receive_count}
        assert attrs["VisibilityTimeout"] == str(declared.visibility_timeout_s)


def test_every_subscription_delivers_raw_and_filters_on_the_events_its_stage_consumes(fresh: Settings):
    sqs, sns = sync_client(fresh, "sqs"), sync_client(fresh, "sns")

    created = bootstrap(fresh)

    by_endpoint = _subscription_attributes(sns, created.topic_arn)
    for declared in STAGES:
        arn = _queue_attributes(sqs, created.queue_urls[declared.name])["QueueArn"]
        attrs = by_endpoint[arn]
        assert attrs["RawMessageDelivery"] == "true"
        assert json.loads(attrs["FilterPolicy"]) == {"event_type": sorted(declared.consumes)}
        assert attrs["FilterPolicy"] == filter_policy(declared)


def test_a_second_run_finds_its_tables_beyond_the_first_page_of_the_listing(fresh: Settings):
    dynamodb = sync_client(fresh, "dynamodb")
    # ListTables answers at most 100 names a call, in name order: these sort before every prefixed table.
    for n in range(101):
        with contextlib.suppress(dynamodb.exceptions.ResourceInUseException):  # made by an earlier run
            dynamodb.create_table(
                TableName=f"a-filler-{n:03d}",
                BillingMode="PAY_PER_REQUEST",
                AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
                KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
            )
    first = bootstrap(fresh)
    assert fresh.name(JOBS_TABLE) not in dynamodb.list_tables()["TableNames"]  # not on the first page

    again = bootstrap(fresh)

    assert again == first

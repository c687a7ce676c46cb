"""Creates the topology's resources in the emulator (or any AWS endpoint): idempotent, run it twice freely.

Topic; per stage a queue + DLQ (redrive after `max_receive_count`), an SNS→SQS subscription
with raw delivery and a filter policy on `event_type`, and a queue policy allowing only the
topic; the jobs table (GSI `user_id` + `created_at`), the usage table, the keys table and its KMS key, and the
assets bucket.
Production creates the same from terraform (terraform/topology.json).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from shared.aws import sync_client
from shared.config import Settings
from shared.topology import (
    ASSETS_BUCKET,
    JOBS_BY_USER_INDEX,
    JOBS_TABLE,
    KEYS_TABLE,
    OUTBOX_INDEX,
    STAGES,
    TOPIC_NAME,
    USAGE_TABLE,
    Stage,
    webhook_key_alias,
)


@dataclass(frozen=True)
class Created:
    topic_arn: str
    queue_urls: dict[str, str]
    dlq_urls: dict[str, str]


def filter_policy(stage: Stage) -> str:
    return json.dumps({"event_type": sorted(stage.consumes)})


def _queue_policy(queue_arn: str, topic_arn: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "AllowTopicOnly",
                    "Effect": "Allow",
                    "Principal": {"Service": "sns.amazonaws.com"},
                    "Action": "sqs:SendMessage",
                    "Resource": queue_arn,
                    "Condition": {"ArnEquals": {"aws:SourceArn": topic_arn}},
                }
            ],
        }
    )


def _queue_arn(sqs: Any, url: str) -> str:
    arn: str = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return arn


def _ensure_stage_queues(settings: Settings, sqs: Any, sns: Any, topic_arn: str, stage: Stage) -> tuple[str, str]:
    dlq_url = sqs.create_queue(
        QueueName=settings.name(stage.dlq_name), Attributes={"MessageRetentionPeriod": str(14 * 24 * 3600)}
    )["QueueUrl"]
    dlq_arn = _queue_arn(sqs, dlq_url)
    queue_url = sqs.create_queue(QueueName=settings.name(stage.queue_name))["QueueUrl"]
    queue_arn = _queue_arn(sqs, queue_url)
    # Attributes are set separately so a second run converges on changed figures too.
    sqs.set_queue_attributes(
        QueueUrl=queue_url,
        Attributes={
            "VisibilityTimeout": str(stage.visibility_timeout_s),
            "ReceiveMessageWaitTimeSeconds": "20",
            "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": stage.max_receive_count}),
            "Policy": _queue_policy(queue_arn, topic_arn),
        },
    )
    existing = {
        sub["Endpoint"]: sub["SubscriptionArn"]
        for sub in sns.list_subscriptions_by_topic(TopicArn=topic_arn).get("Subscriptions", [])
    }
    subscription_arn = (
        existing.get(queue_arn)
        or sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn, ReturnSubscriptionArn=True)[
            "SubscriptionArn"
        ]
    )
    sns.set_subscription_attributes(
        SubscriptionArn=subscription_arn, AttributeName="RawMessageDelivery", AttributeValue="true"
    )
    sns.set_subscription_attributes(
        SubscriptionArn=subscription_arn, AttributeName="FilterPolicy", AttributeValue=filter_policy(stage)
    )
    return queue_url, dlq_url


def _table_names(dynamodb: Any) -> set[str]:
    """Every table, not the first page: ListTables returns at most 100 names a call."""
    return {name for page in dynamodb.get_paginator("list_tables").paginate() for name in page["TableNames"]}


def _alias_names(kms: Any) -> set[str]:
    return {alias["AliasName"] for page in kms.get_paginator("list_aliases").paginate() for alias in page["Aliases"]}


def _ensure_tables(settings: Settings, dynamodb: Any) -> None:
    existing = _table_names(dynamodb)
    if settings.name(JOBS_TABLE) not in existing:
        dynamodb.create_table(
            TableName=settings.name(JOBS_TABLE),
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[
                {"AttributeName": "job_id", "AttributeType": "S"},
                {"AttributeName": "user_id", "AttributeType": "S"},
                {"AttributeName": "created_at", "AttributeType": "S"},
                {"AttributeName": "outbox", "AttributeType": "S"},
            ],
            KeySchema=[{"AttributeName": "job_id", "KeyType": "HASH"}],
            GlobalSecondaryIndexes=[
                {
                    "IndexName": JOBS_BY_USER_INDEX,
                    "KeySchema": [
                        {"AttributeName": "user_id", "KeyType": "HASH"},
                        {"AttributeName": "created_at", "KeyType": "RANGE"},
                    ],
                    "Projection": {"ProjectionType": "ALL"},
                },
                {
                    "IndexName": OUTBOX_INDEX,
                    "KeySchema": [
                        {"AttributeName": "outbox", "KeyType": "HASH"},
                        {"AttributeName": "created_at", "KeyType": "RANGE"},
                    ],
                    "Projection": {"ProjectionType": "ALL"},
                },
            ],
        )
    if settings.name(USAGE_TABLE) not in existing:
        dynamodb.create_table(
            TableName=settings.name(USAGE_TABLE),
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[
                {"AttributeName": "user_id", "AttributeType": "S"},
                {"AttributeName": "period", "AttributeType": "S"},
            ],
            KeySchema=[
                {"AttributeName": "user_id", "KeyType": "HASH"},
                {"AttributeName": "period", "KeyType": "RANGE"},
            ],
        )


def _ensure_keys(settings: Settings, dynamodb: Any, kms: Any) -> None:
    """The keys table and the KMS key the webhook secrets are encrypted with (moto's KMS locally)."""
    if settings.name(KEYS_TABLE) not in _table_names(dynamodb):
        dynamodb.create_table(
            TableName=settings.name(KEYS_TABLE),
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        )
    alias = webhook_key_alias(settings.resource_prefix)
    if alias not in _alias_names(kms):
        key_id = kms.create_key(Description="PharmaGen webhook signing secrets")["KeyMetadata"]["KeyId"]
        kms.create_alias(AliasName=alias, TargetKeyId=key_id)


def _ensure_bucket(settings: Settings, s3: Any) -> None:
    bucket = settings.name(ASSETS_BUCKET)
    names = {b["Name"] for b in s3.list_buckets().get("Buckets", [])}
    if bucket not in names:
        s3.create_bucket(Bucket=bucket)
    s3.put_public_access_block(
        Bucket=bucket,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )


def bootstrap(settings: Settings) -> Created:
    sqs, sns = sync_client(settings, "sqs"), sync_client(settings, "sns")
    topic_arn = sns.create_topic(Name=settings.name(TOPIC_NAME))["TopicArn"]
    queue_urls, dlq_urls = {}, {}
    for stage in STAGES:
        queue_urls[stage.name], dlq_urls[stage.name] = _ensure_stage_queues(settings, sqs, sns, topic_arn, stage)
    _ensure_tables(settings, sync_client(settings, "dynamodb"))
    _ensure_keys(settings, sync_client(settings, "dynamodb"), sync_client(settings, "kms"))
    _ensure_bucket(settings, sync_client(settings, "s3"))
    return Created(topic_arn=topic_arn, queue_urls=queue_urls, dlq_urls=dlq_urls)


if __name__ == "__main__":
    created = bootstrap(Settings())
    print(json.dumps(created.__dict__, indent=2))

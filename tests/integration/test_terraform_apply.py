"""The messaging and storage modules apply to the moto emulator and build what the services expect.

terraform/envs/emulator is applied (redrive-allow policy off: moto drops it and the apply would
hang), the result is read back with boto3, then destroyed. About 90 s, mostly the provider's waits.
"""

import json
from collections.abc import Iterator

import boto3
import pytest

from shared.topology import ASSETS_BUCKET, JOBS_TABLE, STAGES, TOPIC_NAME, USAGE_TABLE
from tests.infra.terraform_offline import TERRAFORM_DIR, init, require_offline_terraform, terraform
from tools.local.emulator import DUMMY_CREDENTIALS, running_emulator

pytestmark = [pytest.mark.integration, pytest.mark.slow]

PREFIX = "tf-"
ROOT = TERRAFORM_DIR / "envs" / "emulator"


@pytest.fixture(scope="module")
def applied(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    require_offline_terraform()
    work = tmp_path_factory.mktemp("tf-emulator")
    with running_emulator() as emulator:
        env = {**DUMMY_CREDENTIALS, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
        args = [
            "-input=false", "-no-color", "-auto-approve", f"-state={work / 'state'}",
            f"-var=endpoint={emulator.endpoint_url}", f"-var=dynamodb_endpoint={emulator.dynamodb_endpoint_url}",
            f"-var=name_prefix={PREFIX}",
        ]  # fmt: skip
        init(ROOT, work / "data")
        done = terraform(ROOT, "apply", *args, data_dir=work / "data", env=env, timeout_s=400)
        try:
            assert done.returncode == 0, done.stdout[-3000:] + done.stderr
            yield {"sqs_sns_s3": emulator.endpoint_url, "dynamodb": emulator.dynamodb_endpoint_url}
        finally:
            destroyed = terraform(ROOT, "destroy", *args, data_dir=work / "data", env=env, timeout_s=400)
            assert destroyed.returncode == 0, destroyed.stderr


def client(service: str, endpoint: str):
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def test_every_stage_queue_redrives_to_its_dlq_after_the_topology_receive_count(applied):
    sqs = client("sqs", applied["sqs_sns_s3"])
    for s in STAGES:
        url = sqs.get_queue_url(QueueName=PREFIX + s.queue_name)["QueueUrl"]
        attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        redrive = json.loads(attrs["RedrivePolicy"])
        assert redrive["deadLetterTargetArn"].endswith(":" + PREFIX + s.dlq_name)
        assert int(redrive["maxReceiveCount"]) == s.max_receive_count
        assert int(attrs["VisibilityTimeout"]) == s.visibility_timeout_s


def test_every_stage_is_subscribed_with_raw_delivery_and_its_event_type_filter(applied):
    sns = client("sns", applied["sqs_sns_s3"])
    topic_arn = f"arn:aws:sns:us-east-1:123456789012:{PREFIX}{TOPIC_NAME}"
    subs = sns.list_subscriptions_by_topic(TopicArn=topic_arn)["Subscriptions"]
    by_queue = {sub["Endpoint"].rsplit(":", 1)[1]: sub["SubscriptionArn"] for sub in subs}

    assert set(by_queue) == {PREFIX + s.queue_name for s in STAGES}
    for s in STAGES:
        attrs = sns.get_subscription_attributes(SubscriptionArn=by_queue[PREFIX + s.queue_name])["Attributes"]
        assert attrs["RawMessageDelivery"] == "true"
        assert sorted(json.loads(attrs["FilterPolicy"])["event_type"]) == sorted(s.consumes)


def test_a_published_event_reaches_only_the_queues_that_consume_it(applied):
    sns, sqs = client("sns", applied["sqs_sns_s3"]), client("sqs", applied["sqs_sns_s3"])
    topic_arn = f"arn:aws:sns:us-east-1:123456789012:{PREFIX}{TOPIC_NAME}"
    sns.publish(
        TopicArn=topic_arn,
        Message='{"event_type": "script.completed"}',
        MessageAttributes={"event_type": {"DataType": "String", "StringValue": "script.completed"}},
    )

    received = set()
    for s in STAGES:
        url = sqs.get_queue_url(QueueName=PREFIX + s.queue_name)["QueueUrl"]
        if sqs.receive_message(QueueUrl=url, WaitTimeSeconds=0).get("Messages"):
            received.add(s.name)

    assert received == {s.name for s in STAGES if "script.completed" in s.consumes}


def test_jobs_table_has_the_user_gsi_and_usage_table_its_composite_key(applied):
    ddb = client("dynamodb", applied["dynamodb"])
    jobs = ddb.describe_table(TableName=PREFIX + JOBS_TABLE)["Table"]
    usage = ddb.describe_table(TableName=PREFIX + USAGE_TABLE)["Table"]

    gsi = {g["IndexName"]: g["KeySchema"] for g in jobs["GlobalSecondaryIndexes"]}
    assert gsi["user_id-created_at"] == [
        {"AttributeName": "user_id", "KeyType": "HASH"},
        {"AttributeName": "created_at", "KeyType": "RANGE"},
    ]
    assert jobs["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert usage["KeySchema"] == [
        {"AttributeName": "user_id", "KeyType": "HASH"},
        {"AttributeName": "period", "KeyType": "RANGE"},
    ]
    ttl = ddb.describe_time_to_live(TableName=PREFIX + JOBS_TABLE)["TimeToLiveDescription"]
    assert ttl == {"TimeToLiveStatus": "ENABLED", "AttributeName": "expires_at"}


def test_assets_bucket_is_encrypted_versioned_and_closed_to_the_public(applied):
    s3 = client("s3", applied["sqs_sns_s3"])
    bucket = PREFIX + ASSETS_BUCKET

    encryption = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"][0]
    block = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]

    assert encryption["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms"
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    assert len(block) == 4
    assert all(block.values())


def test_failed_job_assets_expire_sooner_than_the_tiering_rule(applied):
    s3 = client("s3", applied["sqs_sns_s3"])
    rules = {r["ID"]: r for r in s3.get_bucket_lifecycle_configuration(Bucket=PREFIX + ASSETS_BUCKET)["Rules"]}

    assert [t["StorageClass"] for t in rules["tiering"]["Transitions"]] == ["STANDARD_IA", "GLACIER"]
    assert rules["tiering"]["Expiration"]["Days"] == 365
    assert rules["failed-jobs"]["Filter"]["Tag"] == {"Key": "pharmagen-status", "Value": "failed"}
    assert rules["failed-jobs"]["Expiration"]["Days"] < 30

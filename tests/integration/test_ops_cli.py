"""`pharmagen-ops` against the real emulator: purge confirmation, depth and DLQ listings, failed assets cleanup."""

from __future__ import annotations

import asyncio
import json

import pytest
from typer.testing import CliRunner

from shared.asset_tags import mark_failed_assets
from shared.aws import sync_client
from shared.config import Settings
from shared.connections import connect
from shared.request import AdRequest
from shared.storage import job_prefix
from tests.harness.runtime import isolated_settings
from tools.local.bootstrap import Created, bootstrap
from tools.ops.cli import app

pytestmark = pytest.mark.integration
runner = CliRunner()


@pytest.fixture
def ops(settings: Settings) -> tuple[Settings, Created]:
    isolated = isolated_settings(settings)
    return isolated, bootstrap(isolated)


def _invoke(settings: Settings, *args: str, answer: str | None = None):
    return runner.invoke(app, list(args), input=answer, env={"PHARMAGEN_RESOURCE_PREFIX": settings.resource_prefix})


def _dead_letter_count(settings: Settings, url: str) -> int:
    attrs = sync_client(settings, "sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    return int(attrs["ApproximateNumberOfMessages"]) + int(attrs["ApproximateNumberOfMessagesNotVisible"])


def test_purge_keeps_the_dead_letters_when_the_operator_says_no(ops):
    settings, created = ops
    sync_client(settings, "sqs").send_message(QueueUrl=created.dlq_urls["music"], MessageBody="dead")

    result = _invoke(settings, "dlq", "purge", "music", answer="n\n")

    assert result.exit_code == 1
    assert "Delete every dead letter of music?" in result.output
    assert _dead_letter_count(settings, created.dlq_urls["music"]) == 1


def test_purge_with_yes_empties_the_dead_letter_queue_without_asking(ops):
    settings, created = ops
    sync_client(settings, "sqs").send_message(QueueUrl=created.dlq_urls["music"], MessageBody="dead")

    result = _invoke(settings, "dlq", "purge", "music", "--yes")

    assert result.exit_code == 0, result.output
    assert "purged 1 message(s)" in result.output
    assert _dead_letter_count(settings, created.dlq_urls["music"]) == 0


def test_queues_reports_the_depth_of_every_stage(ops):
    settings, created = ops
    sqs = sync_client(settings, "sqs")
    sqs.send_message(QueueUrl=created.queue_urls["composer"], MessageBody="waiting")
    sqs.send_message(QueueUrl=created.dlq_urls["composer"], MessageBody="dead")

    result = _invoke(settings, "queues", "--json")

    depths = {d["stage"]: d for d in json.loads(result.output)}
    assert (depths["composer"]["visible"], depths["composer"]["dead"]) == (1, 1)
    assert depths["script"] == {"stage": "script", "visible": 0, "in_flight": 0, "delayed": 0, "dead": 0}


def test_dlq_list_counts_dead_letters_per_stage_with_the_oldest_age(ops):
    settings, created = ops
    sync_client(settings, "sqs").send_message(QueueUrl=created.dlq_urls["clips"], MessageBody="dead")

    result = _invoke(settings, "dlq", "list", "--json")

    summaries = {s["stage"]: s for s in json.loads(result.output)}
    assert summaries["clips"]["count"] == 1
    assert summaries["clips"]["oldest_age_s"] >= 0
    assert (summaries["music"]["count"], summaries["music"]["oldest_age_s"]) == (0, None)


def test_replay_refuses_to_guess_which_messages_to_send(ops):
    settings, _ = ops

    result = _invoke(settings, "dlq", "replay", "clips")

    assert result.exit_code == 2
    assert "--job ID or --all" in result.output


async def _failed_job_with_assets(settings: Settings) -> tuple[str, str]:
    async with connect(settings) as conn:
        job, _ = await conn.ledger.create_job(
            job_id="job-expired",
            user_id="u-ops",
            request=AdRequest(brief="A spot that failed long ago."),
            correlation_id="c",
        )
        prefix = job_prefix(job.user_id, job.job_id)
        for name in ("script/script.json", "clips/scene-0.mp4"):
            await conn.storage.upload_bytes(b"x", prefix + name)
        await conn.ledger.fail_job(job, stage_name="clips", reason="gave up")
        await mark_failed_assets(conn.storage, job)
        await conn.storage.upload_bytes(b"x", prefix + "clips/written-after-the-failure.mp4")
        return prefix, conn.storage.bucket


def test_cleanup_failed_deletes_the_tagged_assets_of_failures_older_than_the_cut_off(ops):
    settings, _ = ops
    prefix, bucket = asyncio.run(_failed_job_with_assets(settings))

    recent = _invoke(settings, "cleanup-failed", "--older-than-days", "1")
    expired = _invoke(settings, "cleanup-failed", "--older-than-days", "0")

    assert "0 expired failed job(s), 0 object(s) deleted" in recent.output
    assert "1 expired failed job(s), 2 object(s) deleted" in expired.output
    left = sync_client(settings, "s3").list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", [])
    assert [o["Key"] for o in left] == [prefix + "clips/written-after-the-failure.mp4"]

"""The Replicate prediction runner through the real SDK against the fake: pay once, resume, cancel, map errors."""

from __future__ import annotations

import asyncio

import pytest
from replicate.client import Client
from replicate.exceptions import ReplicateError

from shared.config import Settings
from shared.errors import JobCancelled, PermanentError, TransientError
from shared.providers.base import MemoryCheckpoints, never_cancelled
from shared.providers.replicate_client import Throttled, replicate_client
from shared.providers.replicate_runner import _CREATE_ATTEMPTS as CREATE_ATTEMPTS
from shared.providers.replicate_runner import create_retry, run_prediction
from tests.fakes.replicate_server import FakeConfig, running_fake_replicate

MODEL = "google/veo-3.1"
INPUT = {"prompt": "a lighthouse at dusk", "duration": 4, "aspect_ratio": "16:9", "resolution": "720p"}


@pytest.fixture
async def fake():
    async with running_fake_replicate(FakeConfig(latency_s=0.05, video_height=72)) as server:
        yield server


def client_for(fake) -> Client:
    return replicate_client(Settings(REPLICATE_API_TOKEN="test-token", REPLICATE_BASE_URL=fake.base_url))


async def run(fake, checkpoints=None, *, cancelled=never_cancelled, deadline_s=10.0, model_input=None):
    return await run_prediction(
        client_for(fake), MODEL, model_input or INPUT, checkpoints=checkpoints or MemoryCheckpoints(),
        key="prediction-scene-0", deadline_s=deadline_s, poll_s=0.01, cancelled=cancelled, purpose="video for scene 1",
        create_backoff_s=0.01,
    )  # fmt: skip


async def test_a_prediction_runs_to_success_and_its_id_is_checkpointed(fake):
    checkpoints = MemoryCheckpoints()

    state = await run(fake, checkpoints)

    assert state.status == "succeeded"
    assert state.output.startswith(fake.base_url + "/files/")
    assert checkpoints.get("prediction-scene-0") == state.id
    assert fake.stats.creates[MODEL] == 1


async def test_a_checkpointed_prediction_is_resumed_without_a_second_create(fake):
    checkpoints = MemoryCheckpoints()
    first = await run(fake, checkpoints)

    again = await run(fake, checkpoints)

    assert again.id == first.id
    assert fake.stats.creates[MODEL] == 1


async def test_a_prediction_checkpointed_while_running_is_polled_not_recreated(fake):
    fake.config.latency_s = 0.3
    checkpoints = MemoryCheckpoints()
    with pytest.raises(TransientError, match="still"):
        await run(fake, checkpoints, deadline_s=0.05)

    state = await run(fake, checkpoints)

    assert state.status == "succeeded"
    assert fake.stats.creates[MODEL] == 1


async def test_cancelling_mid_way_cancels_the_running_prediction(fake):
    fake.config.latency_s = 2.0
    polls = 0

    async def cancelled_after_three_polls() -> bool:
        nonlocal polls
        polls += 1
        return polls > 3

    with pytest.raises(JobCancelled):
        await run(fake, cancelled=cancelled_after_three_polls)

    assert fake.stats.cancels == 1
    assert next(iter(fake.predictions.values())).status == "canceled"


async def test_a_429_storm_on_create_is_ridden_out_with_one_paid_prediction(fake):
    fake.config.throttle_next_creates = 4

    state = await run(fake)

    assert state.status == "succeeded"
    assert fake.stats.throttled == 4
    assert fake.stats.creates[MODEL] == 1


async def test_a_429_without_our_hook_is_still_retried_using_the_wait_in_its_body(fake):
    fake.config.throttle_next_creates = 1
    plain = Client(api_token="test-token", base_url=fake.base_url)

    state = await run_prediction(
        plain, MODEL, INPUT, checkpoints=MemoryCheckpoints(), key="k", deadline_s=10, poll_s=0.01,
        cancelled=never_cancelled, create_backoff_s=0.01,
    )  # fmt: skip

    assert state.status == "succeeded"


async def test_a_503_on_create_is_retried(fake):
    fake.config.error_next_creates = 2

    state = await run(fake)

    assert state.status == "succeeded"


async def test_a_throttle_that_never_ends_is_transient(fake):
    fake.config.throttle_next_creates = 100
    fake.config.retry_after_s = 0.01

    with pytest.raises(TransientError, match="could not start"):
        await run(fake)

    assert fake.stats.creates[MODEL] == 0
    assert fake.stats.throttled == CREATE_ATTEMPTS  # bounded: tried exactly that many times, then given up


def test_a_create_retry_waits_the_servers_own_time_capped_and_gives_up_on_what_is_not_worth_it():
    assert create_retry(Throttled(0.25)) == 0.25
    assert create_retry(Throttled(600.0)) == 30.0
    assert create_retry(Throttled(None)) is True  # no hint: stamina's jittered exponential backoff
    assert create_retry(ReplicateError(status=503, detail="busy")) is True
    assert create_retry(ReplicateError(status=429, detail="retry in ~7s")) == 7.0
    assert create_retry(ReplicateError(status=422, detail="bad input")) is False
    assert create_retry(ValueError("not a transport problem")) is False


async def test_a_content_policy_refusal_is_permanent_in_plain_words(fake):
    fake.config.sensitive_words = ["lighthouse"]

    with pytest.raises(PermanentError, match="content policy") as caught:
        await run(fake)

    assert "scene 1" in str(caught.value)
    assert "rephrase" in str(caught.value)


async def test_an_invalid_input_is_permanent(fake):
    with pytest.raises(PermanentError, match="refused by Replicate"):
        await run(fake, model_input={**INPUT, "duration": 5})


async def test_an_aborted_prediction_clears_its_checkpoint_and_is_transient(fake):
    fake.config.abort_next = 1
    checkpoints = MemoryCheckpoints()

    with pytest.raises(TransientError, match="aborted"):
        await run(fake, checkpoints)

    assert checkpoints.get("prediction-scene-0") == ""
    state = await run(fake, checkpoints)
    assert state.status == "succeeded"
    assert fake.stats.creates[MODEL] == 2


async def test_a_prediction_cancelled_by_someone_else_is_transient(fake):
    fake.config.cancel_next = 1

    with pytest.raises(TransientError, match="canceled"):
        await run(fake)


async def test_repeated_model_failures_become_permanent_after_a_bounded_number(fake):
    fake.config.fail_next = 10
    checkpoints = MemoryCheckpoints()
    for _ in range(2):
        with pytest.raises(TransientError):
            await run(fake, checkpoints)

    with pytest.raises(PermanentError, match="failed 3 times"):
        await run(fake, checkpoints)

    assert fake.stats.creates[MODEL] == 3


async def test_a_forgotten_prediction_id_is_replaced_by_a_new_prediction(fake):
    checkpoints = MemoryCheckpoints({"prediction-scene-0": "no-such-prediction"})

    with pytest.raises(TransientError):
        await run(fake, checkpoints)
    state = await run(fake, checkpoints)

    assert state.status == "succeeded"
    assert fake.stats.creates[MODEL] == 1


async def test_concurrent_runs_with_separate_keys_each_pay_once(fake):
    checkpoints = MemoryCheckpoints()
    client = client_for(fake)

    async def one(index: int):
        return await run_prediction(
            client, MODEL, INPUT, checkpoints=checkpoints, key=f"prediction-scene-{index}",
            deadline_s=10, poll_s=0.01, cancelled=never_cancelled,
        )  # fmt: skip

    states = await asyncio.gather(*(one(i) for i in range(3)))

    assert len({s.id for s in states}) == 3
    assert fake.stats.creates[MODEL] == 3

"""The whole stack on the real provider adapters, pointed by env alone at the fake Replicate and OpenAI servers.

The fakes run as processes and count every paid call, so these tests prove the money side too:
exactly one prediction per scene through a worker crash, a cancel that stops paying, a 429 storm
ridden out, and a content-policy refusal that fails the job in plain words.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from boto3.dynamodb.types import TypeDeserializer

from shared.config import Settings
from shared.providers.shots import shot_durations
from shared.quote import keyframe_images
from shared.script import Script
from shared.statement import speakable
from shared.topology import ASSETS_BUCKET, JOBS_TABLE
from tests.e2e.briefs import CLARITEX
from tests.harness.fakes import FakeProviders, running_fakes
from tests.harness.observe import held_stages, lease_of, service_pids
from tests.harness.processes import wait_for
from tests.harness.stack import RunningStack, running_stack, wait_until_ended
from tests.media_probe import probe, streams

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

DEFAULTS = Settings()  # the new default models: nothing here names one
VEO, SCRIPT_MODEL, MUSIC, SPEECH, IMAGE = (
    DEFAULTS.video_model,
    DEFAULTS.script_model,
    DEFAULTS.music_model,
    DEFAULTS.narration_model,
    DEFAULTS.image_model,
)
BRIEF = CLARITEX
# The runtime's lease and heartbeat shortened so a dead worker's clip is picked up in seconds, not minutes.
RUNTIME_ENV = {"PHARMAGEN_LEASE_S": "4", "PHARMAGEN_HEARTBEAT_EVERY_S": "1", "PHARMAGEN_PROVIDER_POLL_S": "0.25"}


@pytest.fixture(scope="module")
def fakes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FakeProviders]:
    with running_fakes(tmp_path_factory.mktemp("fakes")) as running:
        yield running


@pytest.fixture(scope="module")
def provider_stack(fakes: FakeProviders, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    with running_stack(tmp_path_factory.mktemp("provider-stack"), env={**fakes.env(), **RUNTIME_ENV}) as running:
        yield running


@pytest.fixture(autouse=True)
def quiet_fakes(fakes: FakeProviders) -> FakeProviders:
    """Each test starts from fast, well-behaved fakes with zeroed counters (small frames keep them cheap)."""
    fakes.replicate.configure(
        reset_stats=True, latency_s=0.3, model_latency_s={}, video_height=360, throttle_next_creates=0,
        retry_after_s=0.2, sensitive_words=[], fail_next=0, abort_next=0, cancel_next=0,
    )  # fmt: skip
    fakes.openai.configure(reset_stats=True, latency_s=0.0, throttle_next=0, error_next=0)
    return fakes


def submit(client: httpx.Client) -> str:
    response = client.post("/api/v1/generate", json=BRIEF)
    assert response.status_code == 202, response.text
    return str(response.json()["job_id"])


def ledger_item(stack: RunningStack, job_id: str) -> dict[str, Any]:
    dynamodb: Any = stack.aws("dynamodb")
    item = dynamodb.get_item(TableName=JOBS_TABLE, Key={"job_id": {"S": job_id}}, ConsistentRead=True)["Item"]
    deserialise = TypeDeserializer()
    return {name: deserialise.deserialize(value) for name, value in item.items()}


def stored_script(stack: RunningStack, job_id: str) -> Script:
    s3: Any = stack.aws("s3")
    key = f"users/e2e-user/jobs/{job_id}/script/script.json"
    return Script.model_validate_json(s3.get_object(Bucket=ASSETS_BUCKET, Key=key)["Body"].read())


def usage_jobs_in(usage: dict[str, Any]) -> int:
    return sum(int(period["jobs"]) for period in usage["periods"])


def usage_jobs(client: httpx.Client) -> int:
    return usage_jobs_in(client.get("/api/v1/usage").json())


@pytest.fixture(scope="module")
def completed(provider_stack: RunningStack, fakes: FakeProviders, tmp_path_factory: pytest.TempPathFactory
              ) -> dict[str, Any]:  # fmt: skip
    """One pharma ad made on the fakes, with the fakes' counters and the user's usage before and after."""
    fakes.replicate.configure(reset_stats=True)
    fakes.openai.configure(reset_stats=True)
    with provider_stack.client() as client:
        usage_before = client.get("/api/v1/usage").json()
        job = wait_until_ended(client, submit(client), timeout_s=180)
        # Usage is added just after the job is marked completed: give that write a moment to land.
        wait_for(lambda: usage_jobs(client) > usage_jobs_in(usage_before), timeout_s=10, what="the usage record")
        usage_after = client.get("/api/v1/usage").json()
    assert job["status"] == "completed", (job, provider_stack.log_tail())
    video = tmp_path_factory.mktemp("ad") / "ad.mp4"
    video.write_bytes(httpx.get(job["outputs"]["video_url"], timeout=60).content)
    return {
        "job": job, "video": video, "script": stored_script(provider_stack, job["job_id"]),
        "ledger": ledger_item(provider_stack, job["job_id"]), "replicate": fakes.replicate.stats(),
        "openai": fakes.openai.stats(), "usage_before": usage_before, "usage_after": usage_after,
    }  # fmt: skip


def test_the_ad_made_on_the_fakes_is_h264_and_aac_and_lasts_as_long_as_its_script(completed):
    video: Path = completed["video"]
    (picture,), (sound,) = streams(video, "video"), streams(video, "audio")
    assert (picture["codec_name"], sound["codec_name"]) == ("h264", "aac")
    assert (picture["width"], picture["height"]) == (1280, 720)
    assert abs(float(probe(video)["format"]["duration"]) - completed["script"].duration_s) <= 0.5


def test_each_paid_call_was_made_exactly_once(completed):
    script: Script = completed["script"]
    assert len(script.narration) == 3  # the fake's opening line, then the statement and the provision it copies
    assert len(script.scenes) >= 2  # the fake's own scenes, then the closing's (how many follows the timing)
    assert (SCRIPT_MODEL, MUSIC, SPEECH) == ("openai/gpt-5.6-terra", "stability-ai/stable-audio-2.5",
                                             "minimax/speech-2.8-hd")  # fmt: skip
    shots = sum(len(shot_durations(VEO, scene.duration_s)) for scene in script.scenes)  # two for a scene over 8 s
    creates = completed["replicate"]["creates"]
    images = keyframe_images(script)  # the hero and each distinct boundary frame, once
    assert {k: v for k, v in creates.items() if k != SPEECH} == {SCRIPT_MODEL: 1, IMAGE: images, VEO: shots, MUSIC: 1}
    # Every line is spoken; a line off the calm pace (140-160 wpm) is re-spoken once at a corrected speed.
    spoken = [speakable(segment.text) for segment in script.narration]
    texts = completed["replicate"]["texts"]
    assert len(spoken) <= creates[SPEECH] == len(texts) <= 2 * len(spoken)
    assert set(texts) == set(spoken)
    assert all(texts.count(text) <= 2 for text in spoken)
    assert completed["openai"]["requests"] == 0  # one token for everything: OpenAI is not called
    assert completed["replicate"]["token_leaks"] == 0  # no output download carried the token


def test_the_job_costs_the_sum_of_its_stage_costs_and_the_usage_shows_it(completed):
    job, stages = completed["job"], completed["ledger"]["stages"]
    stage_costs = {name: float(state.get("cost_usd", 0)) for name, state in stages.items()}
    assert all(stage_costs[name] > 0 for name in ("script", "narration", "clips", "music"))
    assert job["cost_usd"] > 0
    assert job["cost_usd"] == pytest.approx(sum(stage_costs.values()), abs=1e-5)
    before, after = completed["usage_before"]["periods"], completed["usage_after"]["periods"]
    assert usage_jobs_in(completed["usage_after"]) - usage_jobs_in(completed["usage_before"]) == 1
    added_cost = sum(p["cost_usd"] for p in after) - sum(p["cost_usd"] for p in before)
    assert added_cost == pytest.approx(job["cost_usd"], abs=1e-5)


def test_a_clips_worker_killed_mid_clip_is_replaced_and_no_scene_is_paid_for_twice(provider_stack, fakes):
    fakes.replicate.configure(model_latency_s={VEO: 5.0})
    (victim,) = [pid for pid, name in service_pids(provider_stack).items() if name == "clips"]
    with provider_stack.client() as client:
        job_id = submit(client)
        wait_for(lambda: fakes.veo_creates() == 1, timeout_s=60, what="the first veo prediction")
        claimed = lease_of(provider_stack, job_id, "clips")
        # A heartbeat has moved the lease on: the message is now invisible for the short lease only.
        wait_for(lambda: lease_of(provider_stack, job_id, "clips") > claimed, timeout_s=10, what="a clips heartbeat")
        os.kill(victim, signal.SIGKILL)
        job = wait_until_ended(client, job_id, timeout_s=150)
    assert job["status"] == "completed", (job, provider_stack.log_tail())
    (replacement,) = [pid for pid, name in service_pids(provider_stack).items() if name == "clips"]
    assert replacement != victim
    scenes = stored_script(provider_stack, job_id).scenes
    assert fakes.veo_creates() == sum(len(shot_durations(VEO, scene.duration_s)) for scene in scenes)


def test_cancelling_during_clips_cancels_the_running_prediction_and_creates_no_more(provider_stack, fakes):
    fakes.replicate.configure(model_latency_s={VEO: 6.0})
    with provider_stack.client() as client:
        job_id = submit(client)
        wait_for(lambda: fakes.veo_creates() == 1, timeout_s=60, what="the first veo prediction")
        assert client.post(f"/api/v1/jobs/{job_id}/cancel").status_code == 200
        job = wait_until_ended(client, job_id, timeout_s=30)
        wait_for(lambda: fakes.replicate.stats()["cancels"] >= 1, timeout_s=15, what="the prediction's cancel")
        # Until no worker holds a stage of the job: one that missed the cancel would start a next scene first.
        wait_for(lambda: not held_stages(provider_stack, job_id), timeout_s=60, what="every stage let go")
    assert job["status"] == "cancelled"
    stats = fakes.replicate.stats()
    assert stats["cancelled"][VEO] == 1
    assert set(stats["cancelled"].values()) == {1}  # the running prediction of each stage stopped once
    # Every stage stops its own prediction: one that finished as the cancel landed is asked too, but none twice.
    assert set(stats["cancels_of"].values()) == {1}
    assert fakes.veo_creates() == 1


def test_cancelling_during_the_script_cancels_its_prediction_and_nothing_else_starts(provider_stack, fakes):
    fakes.replicate.configure(model_latency_s={SCRIPT_MODEL: 6.0})
    with provider_stack.client() as client:
        job_id = submit(client)
        wait_for(lambda: fakes.replicate.stats()["creates"].get(SCRIPT_MODEL) == 1, timeout_s=60, what="the script")
        assert client.post(f"/api/v1/jobs/{job_id}/cancel").status_code == 200
        job = wait_until_ended(client, job_id, timeout_s=30)
        wait_for(lambda: fakes.replicate.stats()["cancels"] >= 1, timeout_s=15, what="the script's cancel")
    assert job["status"] == "cancelled"
    stats = fakes.replicate.stats()
    assert stats["cancelled"] == {SCRIPT_MODEL: 1}
    assert stats["creates"] == {SCRIPT_MODEL: 1}


def test_cancelling_cancels_the_in_flight_prediction_of_narration_clips_and_music(provider_stack, fakes):
    fakes.replicate.configure(model_latency_s={VEO: 8.0, MUSIC: 8.0, SPEECH: 8.0})
    running = (VEO, MUSIC, SPEECH)
    with provider_stack.client() as client:
        job_id = submit(client)
        wait_for(lambda: all(fakes.replicate.stats()["creates"].get(m) for m in running), timeout_s=60,
                 what="a prediction in flight in each parallel stage")  # fmt: skip
        assert client.post(f"/api/v1/jobs/{job_id}/cancel").status_code == 200
        job = wait_until_ended(client, job_id, timeout_s=30)
        wait_for(lambda: len(fakes.replicate.stats()["cancelled"]) == len(running), timeout_s=20,
                 what="each stage's cancel")  # fmt: skip
    assert job["status"] == "cancelled"
    stats = fakes.replicate.stats()
    assert stats["cancelled"] == dict.fromkeys(running, 1)
    assert {m: stats["creates"][m] for m in running} == dict.fromkeys(running, 1)


def test_a_storm_of_429s_on_create_is_ridden_out(provider_stack, fakes):
    fakes.replicate.configure(throttle_next_creates=4, retry_after_s=0.3)
    with provider_stack.client() as client:
        job = wait_until_ended(client, submit(client), timeout_s=150)
    assert job["status"] == "completed", (job, provider_stack.log_tail())
    assert fakes.replicate.stats()["throttled"] == 4


def test_a_content_policy_refusal_fails_the_job_at_keyframes_in_plain_words_before_any_video(provider_stack, fakes):
    # The fake script's scenes all happen in a kitchen; the image model is the first to see a scene's picture.
    fakes.replicate.configure(sensitive_words=["kitchen"])
    with provider_stack.client() as client:
        job = wait_until_ended(client, submit(client), timeout_s=120)
    assert job["status"] == "failed"
    assert job["error"]["stage"] == "keyframes"
    assert "content policy" in job["error"]["reason"]
    assert "rephrase the brief" in job["error"]["reason"]
    assert fakes.veo_creates() == 0

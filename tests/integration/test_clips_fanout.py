"""Clips fan-out on the whole local stack: three clips worker processes, the fake Veo, the real emulator.

One job's scenes are claimed by more than one worker; `clips.completed` reaches a subscriber once, even when
every `scene.completed` is delivered again; a clips worker SIGKILLed mid-scene costs no second prediction
for any scene (the killed scene resumes its checkpointed prediction on another worker).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest

from shared.providers.shots import shot_durations
from tests.harness.fakes import FakeProviders, running_fakes
from tests.harness.observe import (
    Probe,
    kill,
    ledger_job,
    publish,
    queue_depth,
    service_pids,
    submit,
    unit_owners,
    wait_all,
)
from tests.harness.processes import wait_for
from tests.harness.stack import RunningStack, start_stack

pytestmark = pytest.mark.integration
VEO = "google/veo-3.1"
CLIPS_WORKERS = 3
RUNTIME_ENV = {
    "PHARMAGEN_LOG_FORMAT": "json",
    "PHARMAGEN_LEASE_S": "4",
    "PHARMAGEN_HEARTBEAT_EVERY_S": "1",
    "PHARMAGEN_RETRY_BASE_S": "1",
    "PHARMAGEN_PROVIDER_POLL_S": "0.2",
    "PHARMAGEN_VIDEO_PRESET": "ultrafast",
}
# A general ad the fake script model splits into 4 scenes of 6 s: one Veo generation each.
BRIEF = {
    "brief": "A spot for a reusable water bottle: a morning run, a desk, a hike, the bottle on a summit rock.",
    "duration_s": 24,
    "resolution": "720p",
    "aspect_ratio": "16:9",
}


@pytest.fixture(scope="module")
def fakes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FakeProviders]:
    with running_fakes(tmp_path_factory.mktemp("fakes")) as running:
        yield running


@pytest.fixture(scope="module")
def fanout_stack(fakes: FakeProviders, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    running = start_stack(
        tmp_path_factory.mktemp("fanout-stack"),
        env={**fakes.env(), **RUNTIME_ENV},
        scale={"clips": CLIPS_WORKERS},
    )
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def probe(fanout_stack: RunningStack) -> Probe:
    return Probe(fanout_stack)


@pytest.fixture(autouse=True)
def calm(fakes: FakeProviders, probe: Probe) -> FakeProviders:
    fakes.replicate.configure(reset_stats=True, latency_s=0.3, model_latency_s={VEO: 3.0}, video_height=180)
    fakes.openai.configure(reset_stats=True, latency_s=0.0)
    probe.drain()
    return fakes


def _scenes(stack: RunningStack, job_id: str) -> list[dict[str, Any]]:
    s3: Any = stack.aws("s3")
    job = ledger_job(stack, job_id)
    script_key = json.loads(job["stages"]["script"]["event"])["payload"]["script_key"]
    script = json.loads(s3.get_object(Bucket="pharmagen-assets", Key=script_key)["Body"].read())
    scenes: list[dict[str, Any]] = script["scenes"]
    return scenes


def _veo_paid_for(stack: RunningStack, job_id: str) -> int:
    return sum(len(shot_durations(VEO, scene["duration_s"])) for scene in _scenes(stack, job_id))


def _clips_completed(probe: Probe, job_id: str) -> int:
    """Messages (not ids: a second publish of the same event counts) of `clips.completed` for the job."""
    return sum(1 for e in probe.seen if e["event_type"] == "clips.completed" and e["job_id"] == job_id)


def _quiet(stack: RunningStack, probe: Probe) -> None:
    """Until the clips queue holds nothing and the probe has taken everything published."""

    def idle() -> bool:
        probe.drain()
        return queue_depth(stack, "pharmagen-clips") == (0, 0)

    wait_for(idle, timeout_s=60, what="the clips queue to go idle")
    time.sleep(1.0)
    probe.drain()


def test_one_jobs_scenes_render_on_several_workers_and_join_once_under_duplicates(
    fanout_stack: RunningStack, calm: FakeProviders, probe: Probe
) -> None:
    job_id = submit(fanout_stack, BRIEF)
    job = wait_all(fanout_stack, [job_id], timeout_s=180)[job_id]
    assert job["status"] == "completed", fanout_stack.log_tail()
    _quiet(fanout_stack, probe)

    owners = unit_owners(fanout_stack, job_id)
    pids = {owner.split(":")[1] for owner in owners.values()}
    assert len(owners) == len(_scenes(fanout_stack, job_id)) == 4
    assert len(pids) >= 2, owners  # one job's scenes claimed by more than one clips worker
    assert _clips_completed(probe, job_id) == 1
    assert calm.veo_creates() == _veo_paid_for(fanout_stack, job_id)

    stored = [state["event"] for state in ledger_job(fanout_stack, job_id)["stages"]["clips"]["scenes"].values()]
    for _ in range(2):
        for body in stored:
            publish(fanout_stack, body, event_type="scene.completed")
    _quiet(fanout_stack, probe)

    redelivered = [e for e in probe.seen if e["event_type"] == "scene.completed" and e["job_id"] == job_id]
    assert len(redelivered) == 3 * len(stored)  # the duplicates did go out, and reached the clips queue
    assert _clips_completed(probe, job_id) == 1


def test_a_clips_worker_killed_mid_scene_costs_no_second_prediction(
    fanout_stack: RunningStack, calm: FakeProviders, probe: Probe
) -> None:
    calm.replicate.configure(model_latency_s={VEO: 5.0})
    job_id = submit(fanout_stack, BRIEF)

    def a_scene_mid_prediction() -> tuple[int, int] | None:
        scenes = ledger_job(fanout_stack, job_id).get("stages", {}).get("clips", {}).get("scenes", {})
        for index, state in scenes.items():
            if state.get("status") == "running" and state.get("checkpoints") and state.get("owner"):
                return int(index), int(state["owner"].split(":")[1])
        return None

    wait_for(lambda: a_scene_mid_prediction() is not None, timeout_s=120, what="a scene with a prediction running")
    found = a_scene_mid_prediction()
    assert found is not None
    scene, victim = found
    assert victim in service_pids(fanout_stack)
    assert kill(victim)

    job = wait_all(fanout_stack, [job_id], timeout_s=180)[job_id]
    _quiet(fanout_stack, probe)

    assert job["status"] == "completed", fanout_stack.log_tail()
    owners = unit_owners(fanout_stack, job_id)
    assert f":{victim}:" not in owners[scene]  # the killed worker's scene was finished by another
    assert calm.veo_creates() == _veo_paid_for(fanout_stack, job_id)  # not one prediction paid twice
    assert _clips_completed(probe, job_id) == 1

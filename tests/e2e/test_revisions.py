"""Revisions on the whole stack, on the real provider adapters against the fake paid providers (which count calls).

One 30-second pharmaceutical ad is made (version 1), then revised twice: on-screen text only (version 2:
no paid call, a new video showing the new text) and one scene's picture (version 3: exactly the paid
calls the revision said it would redo). Every earlier version's video stays downloadable, one
Idempotency-Key makes one version, and re-published events of a finished revision pay for nothing.
The three versions' costs are printed (run with `-s` to read them).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from shared.config import Settings
from shared.providers.shots import shot_durations
from shared.request import FRAME_SIZES
from shared.script import Script
from shared.topology import ASSETS_BUCKET
from tests.e2e.briefs import CLARITEX
from tests.harness.fakes import FakeProviders, running_fakes
from tests.harness.observe import ledger_job, publish, queues_idle
from tests.harness.processes import wait_for
from tests.harness.stack import RunningStack, running_stack, wait_until_ended
from tests.statement_probe import frame_rgb, ocr_words, word_share

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

VEO = Settings().video_model
BRIEF = {**CLARITEX, "duration_s": 30}
NEW_TEXT = "BREATHE EASY TODAY"
NEW_PICTURE = "A sunlit garden at dawn, a woman stretching by an open window, soft morning light"
RUNTIME_ENV = {"PHARMAGEN_PROVIDER_POLL_S": "0.25"}


@pytest.fixture(scope="module")
def fakes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FakeProviders]:
    with running_fakes(tmp_path_factory.mktemp("fakes")) as running:
        running.replicate.configure(latency_s=0.2, video_height=360)
        yield running


@pytest.fixture(scope="module")
def stack(fakes: FakeProviders, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    with running_stack(tmp_path_factory.mktemp("revisions-stack"), env={**fakes.env(), **RUNTIME_ENV}) as running:
        yield running


def _paid(fakes: FakeProviders) -> dict[str, int]:
    """Paid calls since the last reset: predictions per model (speech included) and OpenAI speech."""
    stats = fakes.stats()
    return {name: count for name, count in stats.items() if name != "cancels" and count}


def _reset(fakes: FakeProviders) -> None:
    fakes.replicate.configure(reset_stats=True)
    fakes.openai.configure(reset_stats=True)


def _script(stack: RunningStack, job_id: str, version: int) -> Script:
    s3: Any = stack.aws("s3")
    scope = "" if version == 1 else f"v{version}/"
    key = f"users/e2e-user/jobs/{job_id}/{scope}script/script.json"
    return Script.model_validate_json(s3.get_object(Bucket=ASSETS_BUCKET, Key=key)["Body"].read())


def _revise(client: httpx.Client, job_id: str, body: dict[str, Any], key: str) -> dict[str, Any]:
    response = client.post(f"/api/v1/jobs/{job_id}/revisions", json=body, headers={"Idempotency-Key": key})
    assert response.status_code == 202, response.text
    answer: dict[str, Any] = response.json()
    return answer


def _finished(client: httpx.Client, job_id: str, version: int, stack: RunningStack) -> dict[str, Any]:
    try:
        job = wait_until_ended(client, job_id, timeout_s=420)
    except AssertionError as exc:
        stages = client.get(f"/api/v1/jobs/{job_id}").json()["stages"]
        raise AssertionError(f"{exc}: {json.dumps(stages)[:1500]}\n{stack.log_tail(3000)}") from exc
    assert (job["status"], job["version"]) == ("completed", version), (job, stack.log_tail())
    return job


def _video(url: str, path: Path) -> Path:
    response = httpx.get(url, timeout=60)
    assert response.status_code == 200
    path.write_bytes(response.content)
    return path


@pytest.fixture(scope="module")
def story(stack: RunningStack, fakes: FakeProviders, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Version 1, a text-only revision (the same Idempotency-Key sent twice) and a one-scene revision."""
    work = tmp_path_factory.mktemp("versions")
    _reset(fakes)
    with stack.client() as client:
        submitted = client.post("/api/v1/generate", json=BRIEF)
        assert submitted.status_code == 202, submitted.text
        job_id = submitted.json()["job_id"]
        v1 = _finished(client, job_id, 1, stack)
        v1_paid = _paid(fakes)
        v1_video = _video(v1["outputs"]["video_url"], work / "v1.mp4")
        script = _script(stack, job_id, 1)

        _reset(fakes)
        text_body = {"scenes": [{"index": 0, "on_screen_text": NEW_TEXT}]}
        text = _revise(client, job_id, text_body, "text-only")
        repeated = _revise(client, job_id, text_body, "text-only")
        v2 = _finished(client, job_id, 2, stack)
        v2_paid = _paid(fakes)
        v2_video = _video(v2["outputs"]["video_url"], work / "v2.mp4")

        _reset(fakes)
        scene = _revise(client, job_id, {"scenes": [{"index": 1, "visual_prompt": NEW_PICTURE}]}, "one-scene")
        v3 = _finished(client, job_id, 3, stack)
        v3_paid = _paid(fakes)
        v1_again = _video(v3["versions"][0]["outputs"]["video_url"], work / "v1-again.mp4")
    return {
        "job_id": job_id, "script": script, "v1": v1, "v1_paid": v1_paid, "v1_video": v1_video,
        "text": text, "repeated": repeated, "v2": v2, "v2_paid": v2_paid, "v2_video": v2_video,
        "scene": scene, "v3": v3, "v3_paid": v3_paid, "v1_again": v1_again,
    }  # fmt: skip


def test_the_three_versions_costs_are_noted(story):
    costs = [round(version["cost_usd"], 4) for version in story["v3"]["versions"]]
    print(f"\nversion 1 (30 s ad): ${costs[0]:.4f}; text-only revision: ${costs[1]:.4f}; "
          f"one-scene revision: ${costs[2]:.4f} (fake providers, catalogue prices)")  # fmt: skip
    assert costs[0] == pytest.approx(story["v1"]["cost_usd"], abs=1e-4)
    assert costs[1] == 0.0
    assert 0 < costs[2] < costs[0]


def test_a_text_only_revision_makes_no_paid_call_and_a_new_video_showing_the_new_text(story, tmp_path):
    assert story["text"]["redo"] == {"scenes": [], "narration_segments": [], "music": False, "reasons": {}}
    assert story["text"]["estimate"]["total_usd"] == 0.0
    assert story["v2_paid"] == {}
    assert story["v2_video"].read_bytes() != story["v1_video"].read_bytes()
    first = story["script"].scenes[0]
    size = FRAME_SIZES[("720p", "16:9")]
    seen_now = ocr_words(frame_rgb(story["v2_video"], first.duration_s / 2, size), tmp_path)
    seen_before = ocr_words(frame_rgb(story["v1_video"], first.duration_s / 2, size), tmp_path)
    assert word_share(NEW_TEXT, seen_now) >= 2 / 3, seen_now
    assert word_share(NEW_TEXT, seen_before) < 2 / 3, seen_before


def test_the_same_idempotency_key_twice_makes_one_version(story):
    assert story["text"]["version"] == story["repeated"]["version"] == 2
    assert [v["version"] for v in story["v2"]["versions"]] == [1, 2]


def test_a_one_scene_revision_makes_exactly_the_paid_calls_it_said_it_would_redo(story):
    redo = story["scene"]["redo"]
    script: Script = story["script"]
    assert 1 in redo["scenes"]
    assert redo["narration_segments"] == []
    assert redo["music"] is False
    shots = sum(len(shot_durations(VEO, script.scenes[k].duration_s)) for k in redo["scenes"])
    paid = dict(story["v3_paid"])
    assert paid.pop(VEO) == shots
    assert paid.keys() <= {Settings().image_model}  # no script, speech or music: only the re-made keyframes
    assert story["scene"]["estimate"]["total_usd"] == pytest.approx(story["v3"]["cost_usd"], abs=1e-4)


def test_every_earlier_versions_video_stays_downloadable(story):
    assert story["v1_again"].read_bytes() == story["v1_video"].read_bytes()
    versions = story["v3"]["versions"]
    assert [(v["version"], v["status"]) for v in versions] == [(1, "completed"), (2, "completed"), (3, "completed")]
    assert len({v["outputs"]["video_url"].split("?")[0] for v in versions}) == 3


def test_redelivered_events_of_a_finished_revision_pay_for_nothing_twice(story, stack, fakes):
    _reset(fakes)
    job = ledger_job(stack, story["job_id"])
    stored = [state["event"] for state in job["stages"].values() if state.get("event")]
    submitted = json.loads(stored[0])
    submitted.update(event_id=f"{story['job_id']}:job.submitted:0:v3", event_type="job.submitted", payload={})
    for body in [json.dumps(submitted), *stored]:
        publish(stack, body, event_type=json.loads(body)["event_type"])
    wait_for(lambda: queues_idle(stack), timeout_s=60, what="every copy delivered")
    with stack.client() as client:
        after = client.get(f"/api/v1/jobs/{story['job_id']}").json()
    assert _paid(fakes) == {}
    assert (after["status"], after["version"], after["cost_usd"]) == ("completed", 3, story["v3"]["cost_usd"])

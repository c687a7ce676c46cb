"""Quote, review, edit, approve, expire: the whole stack on the real provider adapters against the counting fakes.

A review job stops after its script: nothing else is paid for until the user approves the storyboard, and
what is rendered is the storyboard as edited (the stored script, the words spoken, the text read off the
video by OCR). Bad edits are 422s naming the field; someone else's job is a 404; an unapproved job expires
in the gateway's relay and gives its place back.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest

from shared.config import Settings
from shared.providers.shots import shot_durations
from shared.script import Script
from shared.statement import speakable
from shared.topology import ASSETS_BUCKET
from tests.e2e.briefs import CLARITEX
from tests.harness.fakes import FakeProviders, running_fakes
from tests.harness.gateway import running_gateway
from tests.harness.observe import Probe, ledger_job
from tests.harness.processes import wait_for
from tests.harness.stack import RunningStack, running_stack, wait_until_ended
from tests.statement_probe import frame_rgb, ocr_words, word_share

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

DEFAULTS = Settings()
VEO, SCRIPT_MODEL, MUSIC, SPEECH, IMAGE = (
    DEFAULTS.video_model,
    DEFAULTS.script_model,
    DEFAULTS.music_model,
    DEFAULTS.narration_model,
    DEFAULTS.image_model,
)
OTHER_KEY = "e2e-other-key-0123456789"
PHARMA = CLARITEX
GENERAL_30S = {"brief": "A bright 30-second spot for Brewly coffee: a sunny kitchen, a first sip.", "duration_s": 30}
ON_SCREEN = "Breathe easy today"
LINE = "Start your morning with clear and easy breathing."
PICTURE = "A sunlit park bench by a lake at sunrise, slow wide shot"
HARBOUR = "A quiet harbour at dusk, fishing boats at rest"


@pytest.fixture(scope="module")
def fakes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FakeProviders]:
    with running_fakes(tmp_path_factory.mktemp("fakes")) as running:
        yield running


@pytest.fixture(scope="module")
def stack(fakes: FakeProviders, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    env = {
        **fakes.env(),
        "PHARMAGEN_PROVIDER_POLL_S": "0.25",
        # Two users, and one active job each, so the expiry test can show the place coming back.
        "PHARMAGEN_API_KEYS": f"e2e-key-0123456789:e2e-user,{OTHER_KEY}:other-user",
        "PHARMAGEN_MAX_ACTIVE_JOBS": "1",
        "PHARMAGEN_QUOTES_PER_HOUR": "2",  # so the allowance test can reach it
    }
    with running_stack(tmp_path_factory.mktemp("review-stack"), env=env) as running:
        yield running


@pytest.fixture(autouse=True)
def counted(fakes: FakeProviders) -> FakeProviders:
    fakes.replicate.configure(reset_stats=True, latency_s=0.2, model_latency_s={}, video_height=360)
    fakes.openai.configure(reset_stats=True)
    return fakes


def paid_creates(fakes: FakeProviders) -> dict[str, int]:
    return {model: int(n) for model, n in fakes.replicate.stats()["creates"].items() if n}


def wait_status(client: httpx.Client, job_id: str, status: str, timeout_s: float = 90) -> dict[str, Any]:
    found: dict[str, Any] = {}

    def reached() -> bool:
        found.update(client.get(f"/api/v1/jobs/{job_id}").json())
        return found["status"] in {status, "failed", "completed", "cancelled"}

    wait_for(reached, timeout_s=timeout_s, what=f"job {job_id} {status}")
    assert found["status"] == status, found
    return found


def title_words(video: Path, *, at_s: float) -> list[str]:
    """The words OCR reads in the frame's white text alone (titles are white; the footage behind them is not)."""
    frame = frame_rgb(video, at_s, (1280, 720))
    white = (frame.min(axis=2) > 200)[..., None].repeat(3, axis=2)
    return ocr_words(np.where(white, 255, 0).astype(np.uint8), video.parent)


def stored_script(stack: RunningStack, job_id: str) -> Script:
    """The script the ledger points the job at (the script stage's recorded completion), read from S3."""
    event = json.loads(ledger_job(stack, job_id)["stages"]["script"]["event"])
    s3: Any = stack.aws("s3")
    body = s3.get_object(Bucket=ASSETS_BUCKET, Key=event["payload"]["script_key"])["Body"].read()
    return Script.model_validate_json(body)


def test_a_quote_plans_the_script_with_the_configured_writer_and_prices_it(stack, fakes) -> None:
    with stack.client() as client:
        response = client.post("/api/v1/quotes", json=GENERAL_30S)
    assert response.status_code == 200, response.text
    body = response.json()
    quote, script = body["quote"], body["script"]
    print("\n30 s ad quoted on the fakes:", {line["stage"]: (line["model"], line["units"], line["unit"],
          line["cost_usd"]) for line in quote["stages"]}, "total", quote["total_usd"])  # fmt: skip

    assert body["script_writer"] == f"replicate:{SCRIPT_MODEL}"  # a key is configured: the LLM wrote it, and says so
    assert paid_creates(fakes) == {SCRIPT_MODEL: 1}  # the script it quotes, and nothing else
    assert script["duration_s"] == 30
    assert sum(s["duration_s"] for s in script["scenes"]) == pytest.approx(30)
    lines = {line["stage"]: line for line in quote["stages"]}
    assert lines["script"]["cost_usd"] > 0  # what that script cost is in the quote
    assert lines["clips"]["model"] == VEO
    billed = [sum(shot_durations(VEO, s["duration_s"])) for s in script["scenes"]]
    assert [s["seconds"] for s in quote["scenes"]] == billed
    assert lines["clips"]["cost_usd"] == pytest.approx(0.20 * sum(billed))
    assert lines["music"]["cost_usd"] == pytest.approx(0.20)
    pictures = {s["visual_prompt"] for s in script["scenes"]}  # (the fake's scenes share one setting)
    images = 1 + len(pictures) + 1  # the hero, an opening per distinct picture, the closing frame
    assert (lines["keyframes"]["model"], lines["keyframes"]["units"]) == (IMAGE, images)
    assert lines["keyframes"]["cost_usd"] == pytest.approx(0.13 * images)
    spoken = sum(len(speakable(line)) for s in script["scenes"] for line in s["narration"])
    assert (lines["narration"]["units"], lines["narration"]["unit"]) == (spoken, "character")
    assert quote["total_usd"] == pytest.approx(sum(line["cost_usd"] for line in quote["stages"]))


def test_quotes_a_language_model_writes_are_limited_per_user_and_hour_and_counted_in_usage(stack, fakes) -> None:
    with httpx.Client(base_url=stack.url, headers={"Authorization": f"Bearer {OTHER_KEY}"}, timeout=60) as other:
        answers = [other.post("/api/v1/quotes", json=GENERAL_30S) for _ in range(3)]
        usage = other.get("/api/v1/usage").json()

    assert [a.status_code for a in answers] == [200, 200, 429]
    refused = answers[2]
    assert 0 < int(refused.headers["Retry-After"]) <= 3600
    assert "at most 2 quotes written by a language model per hour" in refused.json()["detail"]
    assert paid_creates(fakes) == {SCRIPT_MODEL: 2}  # the refused one never reached the model
    month = usage["periods"][0]
    assert month["quotes"] == 2
    assert month["quote_cost_usd"] == pytest.approx(sum(
        line["cost_usd"] for a in answers[:2] for line in a.json()["quote"]["stages"] if line["stage"] == "script"
    ))  # fmt: skip
    assert (month["jobs"], month["cost_usd"]) == (0, 0.0)  # what jobs cost stays apart


@pytest.fixture(scope="module")
def reviewed(stack: RunningStack, fakes: FakeProviders, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A pharmaceutical review job: submitted, stopped at its gate, edited, approved twice, rendered."""
    fakes.replicate.configure(reset_stats=True, latency_s=0.2, video_height=360)
    probe = Probe(stack)
    seen: dict[str, Any] = {}
    with stack.client() as client:
        submitted = client.post("/api/v1/generate", json={**PHARMA, "review": True})
        assert submitted.status_code == 202, submitted.text
        job_id = submitted.json()["job_id"]
        seen["estimate"] = submitted.json()["estimate"]
        seen["awaiting"] = wait_status(client, job_id, "awaiting_approval")
        time.sleep(1.0)  # had a paid stage slipped past the gate, it would have called by now
        seen["before_approval"] = paid_creates(fakes)
        seen["tts_before_approval"] = fakes.openai.stats()["spoken"]
        seen["storyboard"] = client.get(f"/api/v1/jobs/{job_id}/storyboard").json()
        scenes = seen["storyboard"]["scenes"]
        statement_scene = next(
            s["index"] for s in scenes if s["narration"] and PHARMA["side_effects"][:20] in s["narration"][0]
        )
        seen["invalid"] = {
            "durations": client.patch(f"/api/v1/jobs/{job_id}/storyboard",
                                      json={"scenes": [{"index": 0, "duration_s": scenes[0]["duration_s"] + 1}]}),
            "statement": client.patch(f"/api/v1/jobs/{job_id}/storyboard",
                                      json={"scenes": [{"index": 0, "on_screen_text": "ok"},
                                                       {"index": statement_scene, "narration": ["No side effects."]}]}),
            "missing": client.patch(f"/api/v1/jobs/{job_id}/storyboard",
                                    json={"scenes": [{"index": 99, "on_screen_text": "nowhere"}]}),
        }  # fmt: skip
        with httpx.Client(base_url=stack.url, headers={"Authorization": f"Bearer {OTHER_KEY}"}) as other:
            seen["other_user"] = {
                "get": other.get(f"/api/v1/jobs/{job_id}/storyboard").status_code,
                "patch": other.patch(f"/api/v1/jobs/{job_id}/storyboard",
                                     json={"scenes": [{"index": 0, "on_screen_text": "mine"}]}).status_code,
                "approve": other.post(f"/api/v1/jobs/{job_id}/approve").status_code,
            }  # fmt: skip
        edit = {"scenes": [{"index": 0, "on_screen_text": ON_SCREEN, "narration": [LINE]},
                           {"index": statement_scene, "visual_prompt": PICTURE}]}  # fmt: skip
        seen["edited"] = client.patch(f"/api/v1/jobs/{job_id}/storyboard", json=edit)
        seen["script_after_edit"] = stored_script(stack, job_id)
        # A changed picture: its keyframe is made again (only that one), then the job awaits approval again.
        seen["redoing"] = client.get(f"/api/v1/jobs/{job_id}").json()["status"]
        seen["awaiting_again"] = wait_status(client, job_id, "awaiting_approval")
        seen["after_redo"] = paid_creates(fakes)
        seen["approved"] = [client.post(f"/api/v1/jobs/{job_id}/approve") for _ in range(2)]
        seen["job"] = wait_until_ended(client, job_id, timeout_s=480)  # clips are fitted by ffmpeg: slow on 2 cores
        seen["approve_after_end"] = client.post(f"/api/v1/jobs/{job_id}/approve")
    probe.drain()
    seen["events"] = [e["event_type"] for e in probe.seen if e["job_id"] == job_id]
    seen["after"] = paid_creates(fakes)
    seen["texts"] = fakes.replicate.stats()["texts"]
    seen["script"] = stored_script(stack, job_id)
    video = tmp_path_factory.mktemp("reviewed") / "ad.mp4"
    video.write_bytes(httpx.get(seen["job"]["outputs"]["video_url"], timeout=60).content)
    seen["video"] = video
    return seen


def test_a_reviewed_job_pays_for_nothing_but_its_script_and_keyframes_before_approval(reviewed) -> None:
    assert reviewed["awaiting"]["status"] == "awaiting_approval"
    quoted = next(line for line in reviewed["storyboard"]["quote"]["stages"] if line["stage"] == "keyframes")
    assert quoted["units"] >= 1 + 1 + 1  # the hero, an opening per distinct picture, the closing frame
    assert reviewed["before_approval"] == {SCRIPT_MODEL: 1, IMAGE: quoted["units"]}  # as quoted
    assert reviewed["tts_before_approval"] == 0
    stages = reviewed["awaiting"]["stages"]
    assert (stages["script"]["status"], stages["keyframes"]["status"]) == ("succeeded", "succeeded")
    assert {stages[name]["status"] for name in ("narration", "clips", "music", "composer")} == {"pending"}
    assert "job.awaiting_approval" in reviewed["events"]  # what the notifier turns into the webhook


def test_the_storyboard_shows_each_scene_the_statement_and_the_quote(reviewed) -> None:
    board = reviewed["storyboard"]
    assert (board["editable"], board["version"]) == (True, 1)
    assert board["expires_at"] is not None
    assert board["major_statement"] == PHARMA["side_effects"]
    assert sum(s["duration_s"] for s in board["scenes"]) == pytest.approx(PHARMA["duration_s"])
    assert all(s["visual_prompt"] for s in board["scenes"])
    assert all(s["keyframe_url"] for s in board["scenes"])  # the look to approve before paying for video
    assert board["quote"]["total_usd"] == pytest.approx(sum(line["cost_usd"] for line in board["quote"]["stages"]))
    assert [s["index"] for s in board["quote"]["scenes"]] == [s["index"] for s in board["scenes"]]


def test_invalid_edits_are_422_naming_the_field_and_another_users_job_is_404(reviewed) -> None:
    invalid = reviewed["invalid"]
    assert invalid["durations"].status_code == 422
    assert invalid["durations"].json()["errors"][0]["field"] == "scenes[0].duration_s"
    assert "add up" in invalid["durations"].json()["errors"][0]["message"]
    assert invalid["statement"].status_code == 422
    assert invalid["statement"].json()["errors"][0]["field"] == "scenes[1].narration"
    assert "verbatim" in invalid["statement"].json()["errors"][0]["message"]
    assert invalid["missing"].status_code == 422
    assert invalid["missing"].json()["errors"][0]["field"] == "scenes[0].index"
    assert reviewed["other_user"] == {"get": 404, "patch": 404, "approve": 404}


def test_the_edited_storyboard_is_what_is_rendered(reviewed) -> None:
    assert reviewed["edited"].status_code == 200, reviewed["edited"].text
    board = reviewed["edited"].json()
    assert (board["scenes"][0]["on_screen_text"], board["scenes"][0]["narration"]) == (ON_SCREEN, [LINE])
    script: Script = reviewed["script"]
    assert script == reviewed["script_after_edit"]  # the ledger points at the edited script, and it was rendered
    assert script.scenes[0].on_screen_text == ON_SCREEN
    assert PICTURE in [scene.visual_prompt for scene in script.scenes]
    assert LINE in [segment.text for segment in script.narration]
    assert reviewed["job"]["status"] == "completed", reviewed["job"]
    assert speakable(LINE) in reviewed["texts"]  # the edited line was spoken
    words = title_words(reviewed["video"], at_s=script.scenes[0].duration_s / 2)
    assert word_share(ON_SCREEN, words) == 1.0, words


def test_a_changed_picture_remakes_only_its_keyframe_before_approval(reviewed) -> None:
    assert reviewed["redoing"] in {"running", "awaiting_approval"}  # awaiting again once the keyframe is made
    before, after = reviewed["before_approval"], reviewed["after_redo"]
    assert after == {**before, IMAGE: before[IMAGE] + 1}  # that scene's opening frame; the rest are reused
    assert VEO not in after


def test_approving_releases_the_paid_stages_once_and_again_is_harmless(reviewed) -> None:
    first, second = reviewed["approved"]
    assert (first.status_code, second.status_code) == (202, 202)
    assert second.json()["status"] in {"running", "composing", "completed"}
    script: Script = reviewed["script"]
    shots = sum(len(shot_durations(VEO, scene.duration_s)) for scene in script.scenes)
    after = reviewed["after"]
    images = reviewed["after_redo"][IMAGE]
    assert {k: v for k, v in after.items() if k != SPEECH} == {SCRIPT_MODEL: 1, IMAGE: images, VEO: shots, MUSIC: 1}
    assert reviewed["approve_after_end"].status_code == 202  # approved long ago: the same answer, nothing redone
    assert reviewed["events"].count("job.completed") == 1


def test_a_finished_job_shows_its_estimate_beside_what_it_paid(reviewed) -> None:
    job = reviewed["job"]
    assert job["estimate"] == reviewed["estimate"]
    assert {line["stage"] for line in job["estimate"]["stages"]} >= {"script", "narration", "clips", "music"}
    assert job["cost_usd"] == pytest.approx(sum(stage["cost_usd"] for stage in job["stages"].values()), abs=1e-5)
    assert job["stages"]["clips"]["cost_usd"] > 0


def test_a_revision_of_a_review_job_stops_at_its_new_storyboard_before_paying_for_video(
    stack: RunningStack, reviewed: dict[str, Any], fakes: FakeProviders
) -> None:
    job_id = reviewed["job"]["job_id"]
    script: Script = reviewed["script"]
    scene = script.scenes[-1].index
    with stack.client() as client:
        diff = {"scenes": [{"index": scene, "visual_prompt": HARBOUR}]}
        made = client.post(f"/api/v1/jobs/{job_id}/revisions", json=diff)
        assert made.status_code == 202, made.text
        assert (made.json()["version"], made.json()["review"]) == (2, True)
        waiting = wait_status(client, job_id, "awaiting_approval")
        time.sleep(1.0)  # had a paid stage slipped past the gate, it would have called by now
        before_approval = paid_creates(fakes)
        board = client.get(f"/api/v1/jobs/{job_id}/storyboard").json()
        assert client.post(f"/api/v1/jobs/{job_id}/approve").status_code == 202
        done = wait_until_ended(client, job_id, timeout_s=480)

    assert waiting["version"] == 2
    assert board["version"] == 2
    assert board["scenes"][scene]["visual_prompt"] == HARBOUR
    assert VEO not in before_approval  # the new picture is shown before any video is paid for
    assert set(before_approval) <= {IMAGE}  # its keyframe(s), nothing else
    assert done["status"] == "completed"
    assert done["version"] == 2
    redone = made.json()["redo"]["scenes"]
    assert scene in redone
    assert paid_creates(fakes)[VEO] == sum(len(shot_durations(VEO, script.scenes[k].duration_s)) for k in redone)


def test_an_unapproved_job_expires_and_gives_its_place_back(stack, tmp_path: Path) -> None:
    with stack.client() as client:
        waiting = client.post("/api/v1/generate", json={**PHARMA, "review": True}).json()["job_id"]
        wait_status(client, waiting, "awaiting_approval")
        assert client.post("/api/v1/generate", json=PHARMA).status_code == 429  # one active job: the waiting one
        # Any gateway's relay expires unapproved jobs; this one is configured with a tiny expiry.
        expiring = {**stack.env, "PHARMAGEN_REVIEW_EXPIRY_S": "2", "PHARMAGEN_OUTBOX_RELAY_S": "0.5"}
        with running_gateway(users=["e2e-user"], log_path=tmp_path / "gateway.log", extra_env=expiring):
            expired = wait_status(client, waiting, "cancelled", timeout_s=30)
        assert expired["error"]["reason"] == "the storyboard was not approved in time: the job expired"
        assert ledger_job(stack, waiting).get("expired_at")
        again = client.post("/api/v1/generate", json={**PHARMA, "review": True})
        assert again.status_code == 202, again.text  # the place came back
        # A job awaiting approval can also be cancelled by its user.
        wait_status(client, again.json()["job_id"], "awaiting_approval")
        assert client.post(f"/api/v1/jobs/{again.json()['job_id']}/cancel").json()["status"] == "cancelled"

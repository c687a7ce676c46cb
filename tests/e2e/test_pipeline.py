"""The whole stack as processes makes real ads: a pharmaceutical and a general brief, in two aspect ratios.

The output is checked with ffprobe and ffmpeg: streams, size, frame rate, duration, loudness,
scene-to-scene continuity on the stored clips (keyframes mode for one, chain for the other), captions
covering the narration, and the drawn ISI.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any
from unittest.mock import ANY

import httpx
import pytest

from shared.script import NarrationTrack, Script
from tests.e2e.briefs import CLARITEX
from tests.harness.observe import ledger_job
from tests.harness.stack import RunningStack, wait_until_ended
from tests.media_probe import band, gray_frame, integrated_loudness_lufs, mean_abs_diff, probe, streams

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

PHARMA = {**CLARITEX, "loudness_lufs": -24}
GENERAL = {
    "brief": "Vertical spot for Brightbrew cold brew coffee: an energetic city morning, cyclists and rooftops.",
    "ad_type": "general",
    "brand": "Brightbrew",
    "duration_s": 10,
    "aspect_ratio": "9:16",
    "resolution": "720p",
    "loudness_lufs": -14,
    "continuity": "chain",  # the seed's method: one run covers both continuity modes
}
SIZES = {"16:9": (1280, 720), "9:16": (720, 1280)}


def _download(url: str, path: Path) -> Path:
    with httpx.stream("GET", url, timeout=60) as response:
        response.raise_for_status()
        with path.open("wb") as out:
            for chunk in response.iter_bytes():
                out.write(chunk)
    return path


@pytest.fixture(scope="module")
def finished(stack: RunningStack, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """Both ads, submitted together (they run concurrently through the stages) and downloaded."""
    work = tmp_path_factory.mktemp("ads")
    s3: Any = stack.aws("s3")
    results: dict[str, dict[str, Any]] = {}
    with stack.client() as client:
        submitted = {
            name: client.post("/api/v1/generate", json=body)
            for name, body in (("pharma", PHARMA), ("general", GENERAL))
        }
        for name, response in submitted.items():
            assert response.status_code == 202, response.text
            job = wait_until_ended(client, response.json()["job_id"])
            assert job["status"] == "completed", job
            prefix = f"users/e2e-user/jobs/{job['job_id']}/"
            script = Script.model_validate_json(
                s3.get_object(Bucket="pharmagen-assets", Key=prefix + "script/script.json")["Body"].read()
            )
            listed = s3.list_objects_v2(Bucket="pharmagen-assets", Prefix=prefix + "keyframes/kf-")
            keyframes = []
            for key in sorted(item["Key"] for item in listed.get("Contents", [])):
                keyframes.append(work / f"{name}-{key.rsplit('/', 1)[1]}")
                s3.download_file("pharmagen-assets", key, str(keyframes[-1]))
            clips = []
            # Clips are stored under content addresses: the keys are the ones the clips stage announced.
            clip_keys = json.loads(ledger_job(stack, job["job_id"])["stages"]["clips"]["event"])["payload"]["clip_keys"]
            assert len(clip_keys) == len(script.scenes)
            for i, key in enumerate(clip_keys):
                assert key.startswith(f"{prefix}clips/scene-{i:02d}-")
                path = work / f"{name}-scene-{i:02d}.mp4"
                s3.download_file("pharmagen-assets", key, str(path))
                clips.append(path)
            timings = None
            if job["outputs"].get("captions_url"):
                timings = NarrationTrack.model_validate_json(
                    s3.get_object(Bucket="pharmagen-assets", Key=prefix + "audio/narration-timings.json")["Body"].read()
                )
            narration = None
            if timings is not None:
                narration = work / f"{name}-narration.mp3"
                s3.download_file("pharmagen-assets", f"{prefix}audio/narration.mp3", str(narration))
            results[name] = {
                "job": job,
                "narration": narration,
                "script": script,
                "clips": clips,
                "keyframes": keyframes,
                "timings": timings,
                "video": _download(job["outputs"]["video_url"], work / f"{name}.mp4"),
                "captions": _download(job["outputs"]["captions_url"], work / f"{name}.vtt")
                if job["outputs"].get("captions_url")
                else None,
                "compliance": client.get(job["links"]["compliance"]).json(),
            }
    return results


@pytest.mark.parametrize("name", ["pharma", "general"])
def test_the_ad_has_one_h264_stream_at_the_requested_size_and_30_fps_and_one_aac_stream(finished, name):
    video = finished[name]["video"]
    (picture,), (sound,) = streams(video, "video"), streams(video, "audio")
    body = PHARMA if name == "pharma" else GENERAL
    assert picture["codec_name"] == "h264"
    assert picture["pix_fmt"] == "yuv420p"
    assert (picture["width"], picture["height"]) == SIZES[body["aspect_ratio"]]
    assert picture["r_frame_rate"] == "30/1"
    assert sound["codec_name"] == "aac"


@pytest.mark.parametrize("name", ["pharma", "general"])
def test_the_ad_lasts_as_long_as_its_script(finished, name):
    duration = float(probe(finished[name]["video"])["format"]["duration"])
    assert abs(duration - finished[name]["script"].duration_s) <= 0.5


@pytest.mark.parametrize("name", ["pharma", "general"])
def test_the_ad_is_normalised_to_its_loudness_target(finished, name):
    target = (PHARMA if name == "pharma" else GENERAL)["loudness_lufs"]
    assert abs(integrated_loudness_lufs(finished[name]["video"]) - target) <= 1.0


@pytest.mark.parametrize("name", ["pharma", "general"])
def test_each_scene_opens_on_the_last_frame_of_the_scene_before(finished, name):
    clips = finished[name]["clips"]
    assert len(clips) >= 2
    for before, after in itertools.pairwise(clips):
        joined = mean_abs_diff(gray_frame(before, last=True), gray_frame(after, at_s=0))
        unrelated = mean_abs_diff(gray_frame(clips[0], at_s=0), gray_frame(after, last=True))
        assert joined < 3.0, f"{after.name} does not start where {before.name} ends ({joined:.1f}/255)"
        assert unrelated > 3 * joined


@pytest.mark.parametrize(("name", "mode"), [("pharma", "keyframes"), ("general", "chain")])
def test_on_the_stored_clips_neighbouring_scenes_meet_on_their_shared_keyframe(finished, name, mode):
    """Keyframes mode: scene k ends and scene k+1 opens on keyframe k+1 (N+1 keyframes for N scenes).
    Chain mode: one keyframe, scene 0's opening; each later scene opens on the last frame before it."""
    clips, keyframes = finished[name]["clips"], finished[name]["keyframes"]
    firsts = [gray_frame(clip, at_s=0) for clip in clips]
    lasts = [gray_frame(clip, last=True) for clip in clips]
    stills = [gray_frame(still) for still in keyframes]

    assert mean_abs_diff(firsts[0], stills[0]) < 3.0
    if mode == "keyframes":
        assert len(keyframes) == len(clips) + 1
        assert mean_abs_diff(stills[0], stills[-1]) > 5.0  # the ad moves from its first picture to another
        for k in range(len(clips)):
            assert mean_abs_diff(lasts[k], stills[k + 1]) < 3.0, f"scene {k} does not end on keyframe {k + 1}"
        for k in range(len(clips) - 1):
            assert mean_abs_diff(firsts[k + 1], stills[k + 1]) < 3.0, f"scene {k + 1} does not open on its keyframe"
    else:
        assert len(keyframes) == 1
        for k in range(len(clips) - 1):
            assert mean_abs_diff(lasts[k], firsts[k + 1]) < 3.0


def test_the_captions_are_webvtt_and_cover_every_narration_segment(finished):
    vtt = finished["pharma"]["captions"].read_text()
    assert vtt.startswith("WEBVTT")
    cues = []
    for line in vtt.splitlines():
        if "-->" in line:
            start, end = (part.strip().split()[0] for part in line.split("-->"))
            cues.append((_seconds(start), _seconds(end)))
    assert cues
    assert all(end > start for start, end in cues)
    for segment in finished["pharma"]["timings"].segments:
        middle = (segment.start_s + segment.end_s) / 2
        assert any(start <= middle <= end for start, end in cues), f"no cue covers {segment.text[:30]!r}"


def test_the_keyless_narration_is_the_neural_voice_not_the_fallback(finished):
    pharma = finished["pharma"]
    assert pharma["timings"].engine == "local:hibari-tts:heart"
    (track,) = streams(pharma["narration"], "audio")
    assert track["codec_name"] == "mp3"
    assert abs(float(probe(pharma["narration"])["format"]["duration"]) - pharma["script"].duration_s) <= 0.3
    assert "safety" in [s.kind for s in pharma["timings"].segments]


def test_the_general_ad_without_safety_text_has_no_isi_but_the_pharma_ad_draws_it(finished):
    """The ISI lower third is drawn over the pharma ad's last scene: the band differs from the bare clip."""
    for name, expect_isi in (("pharma", True), ("general", False)):
        script: Script = finished[name]["script"]
        last_start = script.scene_starts()[-1]
        at_s = last_start + script.scenes[-1].duration_s / 2
        size = (160, 90) if script.aspect_ratio == "16:9" else (90, 160)
        composed = gray_frame(finished[name]["video"], at_s=at_s, size=size)
        bare = gray_frame(finished[name]["clips"][-1], at_s=script.scenes[-1].duration_s / 2, size=size)
        lower = mean_abs_diff(band(composed, size, 0.72, 0.98), band(bare, size, 0.72, 0.98))
        if expect_isi:
            assert lower > 8.0, f"the lower third barely changed ({lower:.1f}/255): no ISI drawn"
        assert bool(script.safety_text) is expect_isi


@pytest.mark.parametrize(("name", "rule_count"), [("pharma", 22), ("general", 4)])
def test_the_job_carries_its_compliance_verdict_and_serves_the_full_report(finished, name, rule_count):
    job, report = finished[name]["job"], finished[name]["compliance"]
    assert (job["compliance"]["passed"], job["compliance"]["failing"]) == (report["passed"], report["failing"])
    assert len(report["rules"]) == rule_count
    for rule in report["rules"]:
        assert rule["citation"]
        assert rule["threshold"]
        assert rule["measured"]
        assert rule["status"] in {"pass", "fail", "warn"}
    assert "medical-legal-regulatory" in report["not_checked"]


def test_the_pharmaceutical_ad_passes_every_rule_of_its_compliance_report(finished):
    report = finished["pharma"]["compliance"]
    failed = [(rule["id"], rule["measured"]) for rule in report["rules"] if rule["status"] == "fail"]
    assert report["passed"], failed
    assert finished["pharma"]["job"]["compliance"] == {**report_summary(report), "report_key": ANY}


@pytest.mark.parametrize("name", ["pharma", "general"])
def test_the_reports_delivery_rules_pass_and_its_loudness_agrees_with_ebur128(finished, name):
    rules = {rule["id"]: rule for rule in finished[name]["compliance"]["rules"]}
    for rule_id in ("TD-LOUDNESS", "TD-TRUEPEAK", "TD-CAPTIONS", "TD-SAFE-AREA"):
        assert rules[rule_id]["status"] == "pass", (rule_id, rules[rule_id]["measured"])
    assert rules["TD-LOUDNESS"]["value"] == pytest.approx(integrated_loudness_lufs(finished[name]["video"]), abs=0.3)


def report_summary(report: dict[str, Any]) -> dict[str, Any]:
    return {"passed": report["passed"], "failing": report["failing"], "warnings": report["warnings"]}


def _seconds(stamp: str) -> float:
    parts = [float(p) for p in stamp.replace(",", ".").split(":")]
    while len(parts) < 3:
        parts.insert(0, 0.0)
    return parts[0] * 3600 + parts[1] * 60 + parts[2]

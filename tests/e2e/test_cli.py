"""The user CLI against the whole stack: `generate` submits, follows the stages and downloads the MP4."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.harness.stack import RunningStack
from tests.media_probe import streams

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

BRIEF = {
    "brief": "Eight quiet seconds for Stillwater sparkling water: a lakeside at dawn, one slow sip.",
    "brand": "Stillwater",
    "duration_s": 8,
    "resolution": "720p",
    "narration": False,
}


def _cli(stack: RunningStack, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"PHARMAGEN_URL": stack.url, "PHARMAGEN_API_KEY": stack.api_key, "PATH": "/usr/bin:/bin", "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-c", "from services.gateway.cli import app; app()", *args],
        env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


def test_generate_downloads_the_finished_ad_and_jobs_lists_it(stack: RunningStack, tmp_path: Path) -> None:
    request = tmp_path / "brief.json"
    request.write_text(json.dumps(BRIEF))

    done = _cli(stack, "generate", "--file", str(request), "--out", str(tmp_path / "out"))

    assert done.returncode == 0, done.stdout + done.stderr
    (video,) = (tmp_path / "out").glob("*.mp4")
    assert streams(video, "video")[0]["codec_name"] == "h264"
    job_id = video.stem
    listed = _cli(stack, "jobs", "list")
    assert job_id in listed.stdout
    shown = _cli(stack, "jobs", "show", job_id)
    assert json.loads(shown.stdout)["status"] == "completed"


def test_quote_then_review_edit_and_approve_from_the_cli(stack: RunningStack, tmp_path: Path) -> None:
    request = tmp_path / "brief.json"
    request.write_text(json.dumps(BRIEF))
    edits = tmp_path / "edits.yaml"
    edits.write_text("scenes:\n  - index: 0\n    on_screen_text: Still water, still morning\n")

    quoted = _cli(stack, "quote", "--file", str(request), "--json")
    assert quoted.returncode == 0, quoted.stdout + quoted.stderr
    assert json.loads(quoted.stdout)["script_writer"] == "local"  # keyless: the planner, free, and it says so

    waiting = _cli(stack, "generate", "--file", str(request), "--review")
    assert waiting.returncode == 0, waiting.stdout + waiting.stderr
    assert "storyboard of" in waiting.stdout
    job_id = waiting.stdout.split("job ", 1)[1].split()[0]

    refused = _cli(stack, "storyboard", "edit", job_id, "--scene", "0", "--duration-s", "19")
    assert refused.returncode == 1
    assert "scenes[0].duration_s" in refused.stdout
    edited = _cli(stack, "storyboard", "edit", job_id, "--file", str(edits), "--json")
    assert edited.returncode == 0, edited.stdout + edited.stderr
    assert json.loads(edited.stdout)["scenes"][0]["on_screen_text"] == "Still water, still morning"
    shown = json.loads(_cli(stack, "storyboard", "show", job_id, "--json").stdout)
    assert shown["scenes"][0]["on_screen_text"] == "Still water, still morning"
    assert shown["editable"] is True

    done = _cli(stack, "storyboard", "approve", job_id, "--wait", "--out", str(tmp_path / "out"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert (tmp_path / "out" / f"{job_id}.mp4").exists()
    assert json.loads(_cli(stack, "storyboard", "show", job_id, "--json").stdout)["editable"] is False


def test_revise_makes_the_next_version_and_the_same_diff_again_makes_no_other(
    stack: RunningStack, tmp_path: Path
) -> None:
    request = tmp_path / "brief.json"
    request.write_text(json.dumps(BRIEF))
    made = _cli(stack, "generate", "--file", str(request), "--out", str(tmp_path / "v1"))
    assert made.returncode == 0, made.stdout + made.stderr
    (first,) = (tmp_path / "v1").glob("*.mp4")

    revised = _cli(stack, "revise", first.stem, "--scene", "0", "--on-screen-text", "Still, sparkling",
                   "--out", str(tmp_path / "v2"))  # fmt: skip
    again = _cli(stack, "revise", first.stem, "--scene", "0", "--on-screen-text", "Still, sparkling", "--no-wait")

    assert revised.returncode == 0, revised.stdout + revised.stderr
    assert "version 2: redoing scenes none" in revised.stdout
    second = tmp_path / "v2" / f"{first.stem}-v2.mp4"
    assert streams(second, "video")[0]["codec_name"] == "h264"
    assert second.read_bytes() != first.read_bytes()
    assert "version 2" in again.stdout
    assert json.loads(_cli(stack, "jobs", "show", first.stem).stdout)["version"] == 2


def test_revise_of_a_job_that_is_not_yours_is_a_404(stack: RunningStack, tmp_path: Path) -> None:
    diff = tmp_path / "diff.json"
    diff.write_text(json.dumps({"scenes": [{"index": 40, "on_screen_text": "nowhere"}]}))

    refused = _cli(stack, "revise", "no-such-job", "--file", str(diff))

    assert refused.returncode == 1
    assert "404" in refused.stdout

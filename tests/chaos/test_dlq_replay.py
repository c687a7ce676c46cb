"""Scenario 4: Replicate answers 503 to one job's music creates; the job fails, is dead-lettered, replay ends it.

The fault is scripted at the fake for Minimax prompts of a general (non-pharma) ad — the music
prompt names the ad's kind — so the pharma job alongside passes.
After the fault is lifted, `pharmagen-ops dlq replay music --job ID` completes the job, and the
stages that had finished are not paid for again.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.chaos.conftest import brief
from tests.chaos.expectations import MODELS
from tests.harness.fakes import FakeProviders
from tests.harness.observe import dlq_bodies, submit, wait_all
from tests.harness.processes import REPO_ROOT
from tests.harness.stack import RunningStack

pytestmark = [pytest.mark.chaos, pytest.mark.chaos_full]  # ~85 s to exhaust the retries: too long for `make test`
GENERAL_MUSIC = "for a TV ad"  # music_prompt(): "... for a pharmaceutical TV ad" for the other job
MUSIC = MODELS.music_model


def replay(stack: RunningStack, stage_name: str, job_id: str) -> subprocess.CompletedProcess[str]:
    ops = Path(sys.executable).with_name("pharmagen-ops")
    argv = [str(ops), "dlq", "replay", stage_name, "--job", job_id]
    env = {**stack.env, "PATH": "/usr/bin:/bin"}
    return subprocess.run(argv, check=False, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=60)


def test_a_job_failing_at_one_stage_is_dead_lettered_and_replay_finishes_it(
    chaos_stack: RunningStack, calm: FakeProviders
) -> None:
    calm.configure(replicate={"fail_words": [GENERAL_MUSIC], "fail_models": [MUSIC], "fail_at_create": True})
    started = time.monotonic()
    pharma_only = ("side_effects", "prescribing_info_url", "phone")
    general = {k: v for k, v in brief("Faultrex", ad_type="general").items() if k not in pharma_only}
    doomed, healthy = submit(chaos_stack, general), submit(chaos_stack, brief())

    jobs = wait_all(chaos_stack, [doomed, healthy], timeout_s=240)
    failed = jobs[doomed]
    assert failed["status"] == "failed", failed
    assert jobs[healthy]["status"] == "completed", jobs[healthy]
    stage_name = failed["error_stage"]
    assert stage_name == "music"
    assert failed["error_reason"]
    deadline = time.monotonic() + 60
    while not any(doomed in body for body in dlq_bodies(chaos_stack, stage_name)):
        assert time.monotonic() < deadline, f"{doomed} never reached the {stage_name} DLQ"
        time.sleep(1)
    finished_stages = [name for name, state in failed["stages"].items() if state["status"] == "succeeded"]
    failed_at_s = time.monotonic() - started

    calm.configure(
        replicate={"fail_words": [], "fail_models": [], "fail_at_create": False, "reset_stats": True},
        openai={"reset_stats": True},
    )
    replayed = replay(chaos_stack, stage_name, doomed)
    assert replayed.returncode == 0, replayed.stdout + replayed.stderr
    job = wait_all(chaos_stack, [doomed], timeout_s=180)[doomed]
    stats = calm.stats()

    print(f"\nchaos.dlq stage={stage_name} reason={failed['error_reason']!r} failed_after_s={failed_at_s:.1f}"
          f" finished_before={finished_stages} calls_after_replay={stats}")  # fmt: skip
    assert job["status"] == "completed", job
    assert not any(doomed in body for body in dlq_bodies(chaos_stack, stage_name))
    model_of = {"script": MODELS.script_model, "music": MUSIC, "narration": MODELS.narration_model}
    for name in finished_stages:
        if name in model_of:
            assert stats.get(model_of[name], 0) == 0, f"{name} was paid for again: {stats}"

"""Scenario 1: SIGKILL the worker holding a stage, at random moments, while jobs run.

Every job still completes, no paid provider call is made twice (a resumed stage polls its
checkpointed prediction), and each job completes exactly once. Narration has its own scenario
(test_narration_kill.py): its fake speech is too quick to be caught here.

The kills stay within each stage's retry budget: a stage is killed at most `max_receive_count - 1`
times. A message whose every allowed receive is killed is moved to the DLQ by SQS, as designed, and
the job then waits for the operator's replay (`tools/ops/replay.py`) rather than completing on its own;
a full run once killed one scene four times in a row and proved exactly that, not the survival this
scenario is about.
"""

from __future__ import annotations

import random
import time
from collections import Counter

import pytest

from shared.topology import stage
from tests.chaos.conftest import FULL, USER_ID, brief
from tests.chaos.expectations import MODELS, expected_calls, paid_calls
from tests.harness.fakes import FakeProviders
from tests.harness.observe import (
    Probe,
    all_ended,
    completions_per_stage,
    final_video_keys,
    kill,
    running_owners,
    service_pids,
    submit,
    wait_all,
)
from tests.harness.stack import RunningStack

pytestmark = pytest.mark.chaos
TARGETS = ("script", "clips", "music", "composer")
# Kill work that is well under way (a paid prediction in flight), not a claim that just landed.
AFTER_FIRST_BEAT_S = 2.5


def kill_owners_at_random(stack: RunningStack, job_ids: list[str], *, kills: int, deadline_s: float) -> list[str]:
    """Kills `kills` stage owners (a different random moment each), each stage of a job within its retry budget;
    returns what was killed."""
    killed: list[str] = []
    per_stage: Counter[tuple[str, str]] = Counter()
    rng = random.Random()
    deadline = time.monotonic() + deadline_s
    while len(killed) < kills and time.monotonic() < deadline and not all_ended(stack, job_ids):
        time.sleep(rng.uniform(0.3, 2.0))
        ours = service_pids(stack)
        busy = [
            (j, s, pid)
            for j, s, pid in running_owners(stack, job_ids, min_running_s=AFTER_FIRST_BEAT_S)
            if s in TARGETS and pid in ours and per_stage[(j, s)] < stage(s).max_receive_count - 1
        ]
        if busy:
            job_id, stage_name, pid = rng.choice(busy)
            if kill(pid):
                per_stage[(job_id, stage_name)] += 1
                killed.append(f"{stage_name}:{job_id[:8]}:{pid}")
    return killed


def test_jobs_survive_killed_workers_without_repaying_or_completing_twice(
    chaos_stack: RunningStack, calm: FakeProviders, probe: Probe
) -> None:
    jobs, kills = (10, 10) if FULL else (3, 3)
    # Paid stages that take a few seconds, so there is work in flight to kill.
    calm.configure(replicate={"latency_by_model": {MODELS.video_model: 3.0, MODELS.music_model: 4.0}})
    started = time.monotonic()
    job_ids = [submit(chaos_stack, brief()) for _ in range(jobs)]

    killed = kill_owners_at_random(chaos_stack, job_ids, kills=kills, deadline_s=240)
    ended = wait_all(chaos_stack, job_ids, timeout_s=300)
    probe.drain()

    print(f"\nchaos.kills jobs={jobs} killed={killed} elapsed_s={time.monotonic() - started:.1f}")
    assert {j: e["status"] for j, e in ended.items()} == dict.fromkeys(job_ids, "completed")
    assert len(killed) >= 1, "no stage was in flight long enough to be killed"
    assert paid_calls(calm.stats()) == expected_calls(chaos_stack, job_ids)
    composed = completions_per_stage(chaos_stack, job_ids)
    assert all(composed[(j, "composer")] == 1 for j in job_ids), composed
    assert all(count == 1 for count in composed.values()), composed
    assert all(len(probe.distinct_event_ids("job.completed", j)) == 1 for j in job_ids)
    assert all(len(final_video_keys(chaos_stack, j, USER_ID)) >= 1 for j in job_ids)

"""Scenario 3: garbage, an unknown schema version and an unknown job in every stage queue.

Each reaches its stage's DLQ after `max_receive_count` receives; no worker crashes or restarts;
a job submitted alongside completes.
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import pytest

from shared.events import make_event
from shared.topology import STAGES
from tests.chaos.conftest import brief
from tests.harness.fakes import FakeProviders
from tests.harness.observe import dlq_bodies, queue_url, restarts, service_pids, submit, wait_all
from tests.harness.stack import RunningStack

pytestmark = pytest.mark.chaos


def poison_bodies(event_type: str) -> list[str]:
    """Not JSON; a known event from a future schema; a well-formed event for a job nobody submitted."""
    nobody = make_event(event_type, job_id=f"ghost-{uuid.uuid4().hex[:8]}", user_id="nobody",
                        payload=_payload(event_type))  # fmt: skip
    future = json.loads(nobody.model_dump_json()) | {"schema_version": 99}
    return ["\x00{not an event at all", json.dumps(future), nobody.model_dump_json()]


def _payload(event_type: str) -> dict[str, Any] | None:
    return {
        "job.submitted": None,
        "script.completed": {"script_key": "k", "duration_s": 8, "scene_count": 1, "needs_narration": True},
        "keyframes.completed": {"hero_key": "k", "keyframe_keys": ["k0", "k1"]},
        "narration.completed": {"audio_key": "k", "timings_key": "k", "duration_s": 8},
        "job.completed": {"video_key": "k", "duration_s": 8},
    }[event_type]


def test_poison_messages_reach_every_dlq_and_workers_stay_up(chaos_stack: RunningStack, calm: FakeProviders) -> None:
    sqs: Any = chaos_stack.aws("sqs")
    pids_before, restarts_before = set(service_pids(chaos_stack)), restarts(chaos_stack)
    started = time.monotonic()
    job_id = submit(chaos_stack, brief())
    injected: dict[str, list[str]] = {}
    for declared in STAGES:
        injected[declared.name] = poison_bodies(declared.consumes[0])
        for body in injected[declared.name]:
            sqs.send_message(QueueUrl=queue_url(chaos_stack, declared.queue_name), MessageBody=body)

    deadline = time.monotonic() + 120
    dead: dict[str, list[str]] = {}
    while time.monotonic() < deadline:
        dead = {s.name: dlq_bodies(chaos_stack, s.name) for s in STAGES}
        if all(set(injected[name]) <= set(bodies) for name, bodies in dead.items()):
            break
        time.sleep(1)
    job = wait_all(chaos_stack, [job_id], timeout_s=180)[job_id]

    print(f"\nchaos.poison injected={sum(map(len, injected.values()))} elapsed_s={time.monotonic() - started:.1f}")
    assert all(set(injected[name]) <= set(bodies) for name, bodies in dead.items()), dead
    assert job["status"] == "completed", job
    assert set(service_pids(chaos_stack)) == pids_before
    assert restarts(chaos_stack) == restarts_before

"""Scenario 2: every event published twice, the copies in reverse order of arrival.

A thread watches the probe and re-publishes each event it sees once more (so every stage
receives each event twice, late and out of order). Each job is still composed once and each
paid call made once.
"""

from __future__ import annotations

import threading
import time

import pytest

from tests.chaos.conftest import FULL, brief
from tests.chaos.expectations import expected_calls, paid_calls
from tests.harness.fakes import FakeProviders
from tests.harness.observe import Probe, completions_per_stage, publish, queues_idle, submit, wait_all
from tests.harness.processes import wait_for
from tests.harness.stack import RunningStack

pytestmark = pytest.mark.chaos


class Duplicator(threading.Thread):
    """Re-publishes every event seen on the probe once (by event_id), newest first within each batch."""

    def __init__(self, stack: RunningStack, probe: Probe) -> None:
        super().__init__(daemon=True)
        self.stack, self.probe = stack, probe
        self.stop = threading.Event()
        self.copied: set[str] = set()

    @property
    def duplicated(self) -> int:
        return len(self.copied)

    def run(self) -> None:
        while not self.stop.is_set():
            for event in reversed(self.probe.drain()):
                if event["event_id"] not in self.copied:  # the copy (and runtime re-publishes) come back too
                    self.copied.add(event["event_id"])
                    publish(self.stack, event, event_type=event["event_type"])
            time.sleep(0.3)


def test_every_event_delivered_twice_composes_each_job_once_and_pays_once(
    chaos_stack: RunningStack, calm: FakeProviders, probe: Probe
) -> None:
    jobs = 6 if FULL else 2
    started = time.monotonic()
    duplicator = Duplicator(chaos_stack, probe)
    duplicator.start()
    try:
        job_ids = [submit(chaos_stack, brief()) for _ in range(jobs)]
        ended = wait_all(chaos_stack, job_ids, timeout_s=300)
        # The copies of the last events arrived and were settled: nothing waiting or in flight anywhere.
        wait_for(lambda: queues_idle(chaos_stack, "chaos-probe"), timeout_s=60, what="every queue drained")
    finally:
        duplicator.stop.set()
        duplicator.join()
    original_seen = [e for e in probe.seen if e["job_id"] in job_ids]

    print(
        f"\nchaos.duplicates jobs={jobs} duplicated={duplicator.duplicated} elapsed_s={time.monotonic() - started:.1f}"
    )
    assert {j: e["status"] for j, e in ended.items()} == dict.fromkeys(job_ids, "completed")
    assert duplicator.duplicated >= 6 * jobs
    assert paid_calls(calm.stats()) == expected_calls(chaos_stack, job_ids)
    composed = completions_per_stage(chaos_stack, job_ids)
    assert all(composed[(j, "composer")] == 1 for j in job_ids), composed
    assert all(count == 1 for count in composed.values()), composed
    assert all(len({e["event_id"] for e in original_seen if e["event_type"] == "job.completed" and e["job_id"] == j})
               == 1 for j in job_ids)  # fmt: skip

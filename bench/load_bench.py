"""Load: N short ads (22 s, 720p) submitted at once to the stack with 2 replicas per stage and fast fake providers.

Prints throughput (jobs/min), how many ended in each status (lost = not ended by the deadline),
and the backlog curve: ApproximateNumberOfMessages of each stage queue, sampled every second.
`python -m bench.load_bench --jobs 100`. The chaos suite's load scenario calls `run_load`.
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from shared.topology import JOB_STAGES
from tests.chaos.conftest import STACK_ENV, brief
from tests.harness.fakes import start_fake_providers
from tests.harness.observe import TERMINAL, ledger_job, ledger_statuses, queue_depth, submit
from tests.harness.stack import RunningStack, start_stack

SAMPLE_EVERY_S = 1.0


@dataclass
class LoadResult:
    jobs: int
    wall_s: float
    statuses: Counter[str]
    backlog: list[tuple[float, dict[str, int]]] = field(default_factory=list)  # (t_s, visible per stage)
    stage_busy_s: dict[str, float] = field(default_factory=dict)

    @property
    def lost(self) -> int:
        return self.jobs - sum(n for status, n in self.statuses.items() if status in TERMINAL)

    @property
    def jobs_per_min(self) -> float:
        return 60 * self.statuses["completed"] / self.wall_s


def sample_backlog(
    stack: RunningStack, started: float, stop: threading.Event, out: list[tuple[float, dict[str, int]]]
) -> None:
    while not stop.is_set():
        out.append(
            (round(time.monotonic() - started, 1), {s.name: queue_depth(stack, s.queue_name)[0] for s in JOB_STAGES})
        )
        stop.wait(SAMPLE_EVERY_S)


def run_load(stack: RunningStack, *, jobs: int, timeout_s: float) -> LoadResult:
    started = time.monotonic()
    backlog: list[tuple[float, dict[str, int]]] = []
    stop = threading.Event()
    sampler = threading.Thread(target=sample_backlog, args=(stack, started, stop, backlog), daemon=True)
    sampler.start()
    with ThreadPoolExecutor(max_workers=8) as pool:
        job_ids = list(pool.map(lambda _: submit(stack, brief()), range(jobs)))
    deadline = started + timeout_s
    pending = set(job_ids)
    finished: dict[str, dict[str, object]] = {}
    while pending and time.monotonic() < deadline:
        for job_id, status in ledger_statuses(stack, sorted(pending)).items():
            if status in TERMINAL:
                finished[job_id] = ledger_job(stack, job_id)  # the whole record once, for the report
                pending.discard(job_id)
        time.sleep(1)
    wall_s = time.monotonic() - started
    stop.set()
    sampler.join()
    statuses = Counter(str(job["status"]) for job in finished.values())
    busy: Counter[str] = Counter()
    for job in finished.values():
        for name, state in job["stages"].items():  # type: ignore[attr-defined]
            if state.get("finished_at") and state.get("started_at"):
                busy[name] += state["finished_at"] - state["started_at"]
    return LoadResult(jobs, wall_s, statuses, backlog, dict(busy))


def report(result: LoadResult) -> str:
    lines = [
        f"jobs {result.jobs}: {dict(result.statuses)}, lost {result.lost}",
        f"wall {result.wall_s:.1f} s, throughput {result.jobs_per_min:.1f} jobs/min",
        "stage busy time (sum over jobs): "
        + ", ".join(f"{k} {v:.0f}s" for k, v in sorted(result.stage_busy_s.items())),
        "backlog (visible messages per stage queue):",
        "   t_s  " + " ".join(f"{s.name:>9}" for s in JOB_STAGES),
    ]
    step = max(1, len(result.backlog) // 40)
    for t_s, depth in result.backlog[::step]:
        lines.append(f"{t_s:6.1f}  " + " ".join(f"{depth[s.name]:>9}" for s in JOB_STAGES))
    peaks = {s.name: max((d[s.name] for _, d in result.backlog), default=0) for s in JOB_STAGES}
    lines.append("peak backlog: " + ", ".join(f"{k} {v}" for k, v in peaks.items()))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--jobs", type=int, default=100)
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--timeout-s", type=float, default=3600)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as state:
        fakes = start_fake_providers(Path(state))
        fakes.configure(replicate={"video_height": 180, "music_duration_s": 10})
        stack = start_stack(
            Path(state) / "stack",
            env={**STACK_ENV, **fakes.env()},
            scale={s.name: args.replicas for s in JOB_STAGES},
            api_key="load-key-0123456789",
            user_id="load-user",
        )
        try:
            print(report(run_load(stack, jobs=args.jobs, timeout_s=args.timeout_s)))
            print(f"paid calls at the fakes: {fakes.stats()}")
        finally:
            stack.stop()
            fakes.stop()


if __name__ == "__main__":
    main()

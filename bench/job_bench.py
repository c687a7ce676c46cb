"""The whole local job (the demo brief, keyless), submit → completed, with 1 and with N clips workers side by side.

Runs the stack as processes (the same launcher as `make run`) once per clips-worker count, submits the demo
brief, and prints each wall time next to the sequential sum of the stage times and the parallel bound
`script + max(narration, keyframes + clips, music) + compose`, then the ratio of the wall times: what scaling
the clips service out buys one job (its scenes render side by side). Goal: under 90 s on 2 cores.
`python -m bench.job_bench --clips-workers 1 3`.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.harness.stack import running_stack, wait_until_ended
from tools.local.demo import DEMO_BRIEF


@dataclass(frozen=True)
class Run:
    clips_workers: int
    wall_s: float
    stages: dict[str, float]

    @property
    def sequential_s(self) -> float:
        return sum(self.stages.values())

    @property
    def parallel_bound_s(self) -> float:
        s = self.stages
        clips_path = s.get("keyframes", 0.0) + s["clips"]  # the clips wait for the keyframes
        return s["script"] + max(s["narration"], clips_path, s["music"]) + s["composer"]


def run_job(brief: dict[str, Any], clips_workers: int) -> Run:
    with (
        tempfile.TemporaryDirectory() as state,
        running_stack(Path(state), scale={"clips": clips_workers}) as stack,
        stack.client() as client,
    ):
        started = time.monotonic()
        job_id = client.post("/api/v1/generate", json=brief).json()["job_id"]
        job = wait_until_ended(client, job_id, timeout_s=900)
        wall_s = time.monotonic() - started
    if job["status"] != "completed":
        raise SystemExit(f"job {job_id} ended {job['status']}: {job.get('error')}")
    stages = {name: float(view["elapsed_s"] or 0.0) for name, view in job["stages"].items()}  # type: ignore[attr-defined]
    return Run(clips_workers, wall_s, stages)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.job_bench", description=__doc__)
    parser.add_argument("--clips-workers", type=int, nargs="+", default=[1, 3])
    args = parser.parse_args()
    brief = json.loads(DEMO_BRIEF.read_text())
    print(f"the demo brief: {brief['duration_s']} s {brief['resolution']} {brief['aspect_ratio']}, keyless")
    runs = [run_job(brief, n) for n in args.clips_workers]
    for run in runs:
        bound, sequential = run.parallel_bound_s, run.sequential_s
        print(f"\n{run.clips_workers} clips worker(s): " + ", ".join(f"{k} {v:.1f}s" for k, v in run.stages.items()))
        print(f"  submit → completed    {run.wall_s:7.1f} s   (goal < 90 s)")
        print(f"  sequential stage sum  {sequential:7.1f} s   wall/sequential {run.wall_s / sequential:.2f}")
        print(f"  parallel bound        {bound:7.1f} s   wall/parallel   {run.wall_s / bound:.2f}")
    first = runs[0]
    for run in runs[1:]:
        print(f"\nwall {run.clips_workers} / {first.clips_workers} clips workers: {run.wall_s / first.wall_s:.2f}"
              f"   (clips stage {run.stages['clips'] / first.stages['clips']:.2f})")  # fmt: skip


if __name__ == "__main__":
    main()

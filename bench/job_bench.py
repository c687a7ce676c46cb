"""The whole local 30 s 1080p job, keyless: submit → completed, beside the stages' own times.

Runs the stack as processes (the same launcher as `make run`), submits the demo brief, and prints
the wall time next to the sequential sum of the stage times and the parallel bound
`script + max(narration, keyframes + clips, music) + compose`. Goal: under 90 s on 2 cores.
`--clips-workers N` runs N clips workers (the job's scenes render side by side).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from tests.harness.stack import start_stack, wait_until_ended
from tools.local.demo import DEMO_BRIEF


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.job_bench", description=__doc__)
    parser.add_argument("--clips-workers", type=int, default=1)
    args = parser.parse_args()
    brief = json.loads(DEMO_BRIEF.read_text())
    with tempfile.TemporaryDirectory() as state:
        stack = start_stack(Path(state), scale={"clips": args.clips_workers})
        try:
            with stack.client() as client:
                started = time.monotonic()
                job_id = client.post("/api/v1/generate", json=brief).json()["job_id"]
                job = wait_until_ended(client, job_id, timeout_s=600)
                wall_s = time.monotonic() - started
        finally:
            stack.stop()
    stages = {name: float(view["elapsed_s"] or 0.0) for name, view in job["stages"].items()}  # type: ignore[attr-defined]
    sequential = sum(stages.values())
    clips_path = stages.get("keyframes", 0.0) + stages["clips"]  # clips run between the keyframes
    parallel = stages["script"] + max(stages["narration"], clips_path, stages["music"]) + stages["composer"]
    print(
        f"job {job_id}: {job['status']}, {brief['duration_s']} s {brief['resolution']} {brief['aspect_ratio']},"
        f" {args.clips_workers} clips worker(s)"
    )
    print("stage times: " + ", ".join(f"{k} {v:.1f}s" for k, v in stages.items()))
    print(f"submit → completed      {wall_s:7.1f} s   (goal < 90 s)")
    print(f"sequential stage sum    {sequential:7.1f} s   ratio wall/sequential {wall_s / sequential:.2f}")
    print(f"parallel bound          {parallel:7.1f} s   ratio wall/parallel   {wall_s / parallel:.2f}")


if __name__ == "__main__":
    main()

"""The critical path on the real provider adapters, with provider latencies simulated by the fake servers.

The fakes answer as the real models do, scaled down (the default models: GPT-5.6 script 2 s, MiniMax
speech 1 s per line, each Veo clip 9 s, Stable Audio music 6 s). One job runs through the stack as
processes, configured by env alone;
its wall time (submit → completed) is printed beside the sequential sum of its stage times (the
seed's pipeline) and the parallel bound `script + max(narration, keyframes + clips, music) + compose`, from the
ledger's own stage timings. Goal: within 5 % of the parallel bound.

Then the clips fan-out (issue 15): a 4-scene ad on 4 clips workers, run twice in the same stack, chained
(`continuity: "chain"`: each scene waits for the one before) and on keyframes (the default: every scene at
once), printed side by side with the keyframe parallel bound `script + keyframes + max(scene clip) +
compose` from the keyframe job's own ledger timings (each scene's claim to its completion). Goals:
keyframe job ≤ 1.05 × its bound and ≤ 0.5 × the chained job. The run ends with the two ratio lines.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from shared.config import Settings
from tests.harness.fakes import FakeProviders, running_fakes
from tests.harness.observe import ledger_job
from tests.harness.stack import RunningStack, start_stack
from tools.local.demo import DEMO_BRIEF

DEFAULTS = Settings()  # the default model of each stage
IMAGE_MODEL = DEFAULTS.image_model  # the keyframes' image model
LATENCIES_S = {
    DEFAULTS.script_model: 2.0, DEFAULTS.video_model: 9.0, DEFAULTS.music_model: 6.0, DEFAULTS.narration_model: 1.0,
    IMAGE_MODEL: 3.0,
}  # fmt: skip
POLL_S = 0.05
CLIPS_WORKERS = 4
# A general ad the fake script model splits into 4 scenes of 6 s (one Veo generation each).
FANOUT_BRIEF = {
    "brief": "A spot for a reusable water bottle: a morning run, a desk, a hike, the bottle on a summit rock.",
    "duration_s": 24, "resolution": "720p", "aspect_ratio": "16:9",
}  # fmt: skip


def configure(fakes: FakeProviders) -> None:
    fakes.replicate.configure(reset_stats=True, latency_s=2.0, model_latency_s=LATENCIES_S)
    fakes.openai.configure(reset_stats=True)


def run_job(client: httpx.Client, brief: dict[str, Any]) -> tuple[dict[str, Any], float]:
    """Submits the brief and polls finely, so the wall time is not rounded up by the polling."""
    started = time.monotonic()
    response = client.post("/api/v1/generate", json=brief)
    response.raise_for_status()
    job_id = response.json()["job_id"]
    while True:
        job: dict[str, Any] = client.get(f"/api/v1/jobs/{job_id}").json()
        if job["status"] in {"completed", "failed", "cancelled"}:
            return job, time.monotonic() - started
        time.sleep(POLL_S)


def report(job: dict[str, Any], wall_s: float, fakes: FakeProviders) -> None:
    stages = {name: float(view["elapsed_s"] or 0.0) for name, view in job["stages"].items()}
    sequential = sum(stages.values())
    clips_path = stages.get("keyframes", 0.0) + stages["clips"]  # clips run between the keyframes
    parallel = stages["script"] + max(stages["narration"], clips_path, stages["music"]) + stages["composer"]
    request = job["request"]
    print(f"job {job['job_id']}: {job['status']}, {request['duration_s']} s {request['resolution']}")
    print("simulated latencies: " + ", ".join(f"{m} {s:g}s" for m, s in LATENCIES_S.items()))
    print(f"paid calls: replicate {fakes.replicate.stats()['creates']}, openai tts {fakes.openai.stats()['spoken']}")
    print("stage times: " + ", ".join(f"{k} {v:.2f}s" for k, v in stages.items()))
    print(f"submit → completed      {wall_s:7.2f} s")
    print(f"sequential stage sum    {sequential:7.2f} s   ratio wall/sequential {wall_s / sequential:.3f}")
    print(f"parallel bound          {parallel:7.2f} s   ratio wall/parallel   {wall_s / parallel:.3f}  (goal ≤ 1.05)")


def scene_times(stack: RunningStack, job_id: str) -> list[float]:
    """Each scene's time from its claim to its completion, from the ledger (`stages.clips.scenes`)."""
    scenes = ledger_job(stack, job_id)["stages"]["clips"].get("scenes", {})
    return [
        float(s["finished_at"]) - float(s["started_at"]) for _, s in sorted(scenes.items(), key=lambda i: int(i[0]))
    ]


def fanout_report(
    stack: RunningStack, chained: tuple[dict[str, Any], float], keyframed: tuple[dict[str, Any], float]
) -> None:
    (chain_job, chain_s), (job, keyframe_s) = chained, keyframed
    stages = {name: float(view["elapsed_s"] or 0.0) for name, view in job["stages"].items()}
    scenes = scene_times(stack, job["job_id"])
    bound = stages["script"] + stages.get("keyframes", 0.0) + max(scenes) + stages["composer"]
    print(f"\n{len(scenes)}-scene ad, {CLIPS_WORKERS} clips workers: {chain_job['status']} / {job['status']}")
    print("keyframe job scene times: " + ", ".join(f"{t:.2f}s" for t in scenes))
    print(
        f"bound terms: script {stages['script']:.2f}s + keyframes {stages.get('keyframes', 0.0):.2f}s"
        f" + max(scene clip) {max(scenes):.2f}s + compose {stages['composer']:.2f}s"
    )
    print(f"chained job (continuity chain)       {chain_s:7.2f} s")
    print(f"keyframe job (continuity keyframes)  {keyframe_s:7.2f} s   goal ≤ 0.5 × chained")
    print(f"keyframe parallel bound              {bound:7.2f} s   goal keyframe job ≤ 1.05 × bound")
    print(f"keyframe/chain = {keyframe_s / chain_s:.3f}")
    print(f"keyframe/bound = {keyframe_s / bound:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.providers_bench", description=__doc__)
    parser.add_argument("--resolution", default="720p", choices=["720p", "1080p"])
    parser.add_argument("--duration-s", type=int, default=40)  # the demo brief's statement needs 37 s
    args = parser.parse_args()
    brief = {**json.loads(DEMO_BRIEF.read_text()), "resolution": args.resolution, "duration_s": args.duration_s}
    with tempfile.TemporaryDirectory() as state, running_fakes(Path(state)) as fakes:
        configure(fakes)
        (Path(state) / "stack").mkdir()
        stack = start_stack(Path(state) / "stack", env=fakes.env(), scale={"clips": CLIPS_WORKERS})
        try:
            with stack.client() as client:
                job, wall_s = run_job(client, brief)
                report(job, wall_s, fakes)
                chained = run_job(client, {**FANOUT_BRIEF, "continuity": "chain"})
                keyframed = run_job(client, {**FANOUT_BRIEF, "continuity": "keyframes"})
            fanout_report(stack, chained, keyframed)
        finally:
            stack.stop()


if __name__ == "__main__":
    main()

"""What a set of finished jobs should have cost at the fakes, derived from their own scripts and logs.

One script prediction and one music track per job, one image prediction per distinct keyframe (the
hero and the scene boundaries), one Veo prediction per scene (two for a scene over 8 s), and one speech
prediction per narration segment plus each re-speak the narration stage logged (the default models).
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from shared.config import Settings
from shared.providers.shots import shot_durations
from shared.topology import ASSETS_BUCKET
from tests.harness.observe import ledger_job, log_records
from tests.harness.stack import RunningStack

MODELS = Settings()  # the default model of each stage (the chaos stack sets none)


def script_of(stack: RunningStack, job_id: str) -> dict[str, Any]:
    s3: Any = stack.aws("s3")
    script_key = json.loads(ledger_job(stack, job_id)["stages"]["script"]["event"])["payload"]["script_key"]
    script: dict[str, Any] = json.loads(s3.get_object(Bucket=ASSETS_BUCKET, Key=script_key)["Body"].read())
    return script


def keyframe_images(stack: RunningStack, job_id: str) -> set[str]:
    """The job's distinct keyframe images (the hero and the boundaries; each key carries its content digest)."""
    payload = json.loads(ledger_job(stack, job_id)["stages"]["keyframes"]["event"])["payload"]
    return {payload["hero_key"], *payload["keyframe_keys"]}


def expected_calls(stack: RunningStack, job_ids: list[str]) -> Counter[str]:
    respeaks = Counter(r["job_id"] for r in log_records(stack) if r.get("event") == "narration.respeaking")
    expected: Counter[str] = Counter()
    for job_id in job_ids:
        script = script_of(stack, job_id)
        expected[MODELS.script_model] += 1
        expected[MODELS.music_model] += 1
        expected[MODELS.video_model] += sum(
            len(shot_durations(MODELS.video_model, s["duration_s"])) for s in script["scenes"]
        )
        expected[MODELS.narration_model] += len(script["narration"]) + respeaks[job_id]
        expected[MODELS.image_model] += len(keyframe_images(stack, job_id))
    return expected


def paid_calls(stats: dict[str, Any]) -> Counter[str]:
    return Counter({k: v for k, v in stats.items() if k != "cancels"})

"""A test-only stage service: `python -m tests.integration.worker_process --stage script --behaviour slow`.

It runs the real `shared.worker.run_stage` with a handler whose behaviour the test picks, and leaves
marker files (`<pid>.started.<job_id>`, `<pid>.finished.<job_id>`) in `$PHARMAGEN_TEST_RECORD_DIR`
so the test can see which process did what. `slow` sleeps `$PHARMAGEN_TEST_SLOW_S` seconds (default 30).
"""

from __future__ import annotations

import argparse
import asyncio
import os
from pathlib import Path

from shared.config import Settings
from shared.events import Event
from shared.payloads import MusicCompletedPayload, NarrationCompletedPayload, ScriptCompletedPayload
from shared.stage import Handler, StageContext, StageResult
from shared.worker import run_stage

RESULTS: dict[str, StageResult] = {
    "script": StageResult(
        "script.completed",
        ScriptCompletedPayload(script_key="s.json", duration_s=30, scene_count=4, needs_narration=True),
    ),
    "narration": StageResult(
        "narration.completed", NarrationCompletedPayload(audio_key="n.mp3", timings_key="t.json", duration_s=30)
    ),
    "music": StageResult("music.completed", MusicCompletedPayload(audio_key="m.mp3", duration_s=30)),
}


def _mark(what: str, job_id: str) -> None:
    record_dir = Path(os.environ["PHARMAGEN_TEST_RECORD_DIR"])
    (record_dir / f"{os.getpid()}.{what}.{job_id}").touch()


def build(stage_name: str, behaviour: str) -> Handler:
    slow_s = float(os.environ.get("PHARMAGEN_TEST_SLOW_S", "30"))

    async def handle(event: Event, ctx: StageContext) -> StageResult:
        _mark("started", ctx.job.job_id)
        if behaviour == "slow":
            await asyncio.sleep(slow_s)
        _mark("finished", ctx.job.job_id)
        return RESULTS[stage_name]

    return handle


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stage", required=True, choices=sorted(RESULTS))
    parser.add_argument("--behaviour", default="ok", choices=["ok", "slow"])
    args = parser.parse_args()

    def build_handler(settings: Settings) -> Handler:
        return build(args.stage, args.behaviour)

    run_stage(args.stage, build_handler)


if __name__ == "__main__":
    main()

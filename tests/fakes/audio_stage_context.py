"""Builds a `StageContext` for the script, narration and music handler tests: a job, memory storage, no boto."""

from __future__ import annotations

from pathlib import Path

from shared.config import Settings
from shared.events import dump_event, make_event
from shared.job import Job, StageState
from shared.payloads import ScriptCompletedPayload
from shared.request import AdRequest
from shared.script import Script
from shared.stage import StageContext, stage_context
from shared.storage import asset_key
from tests.fakes.memory_storage import MemoryStorage

USER_ID = "user-1"
JOB_ID = "job-1"


def job_for(request: AdRequest, script_key: str | None = None, script: Script | None = None) -> Job:
    stages = {"script": StageState()}
    if script_key and script:
        payload = ScriptCompletedPayload(
            script_key=script_key,
            duration_s=script.duration_s,
            scene_count=len(script.scenes),
            needs_narration=script.needs_narration,
        )
        event = make_event("script.completed", job_id=JOB_ID, user_id=USER_ID, payload=payload)
        stages["script"] = StageState(status="succeeded", event=dump_event(event))
    return Job(
        job_id=JOB_ID,
        user_id=USER_ID,
        status="running",
        request=request,
        stages=stages,
        created_at="2025-01-01T00:00:00Z",
        updated_at="2025-01-01T00:00:00Z",
    )


def context_for(
    request: AdRequest,
    workdir: Path,
    *,
    script: Script | None = None,
    storage: MemoryStorage | None = None,
    cancel_after_checks: int | None = None,
) -> StageContext:
    """A context whose job has finished its script (when given); cancelled once checked `cancel_after_checks` times."""
    store = storage or MemoryStorage()
    key = None
    if script is not None:
        key = asset_key(USER_ID, JOB_ID, "script", "script.json")
        store.objects[key] = script.model_dump_json().encode()
    checks = 0

    async def cancelled() -> bool:
        nonlocal checks
        checks += 1
        return cancel_after_checks is not None and checks > cancel_after_checks

    return stage_context(
        job_for(request, key, script),
        storage=store,  # type: ignore[arg-type]
        settings=Settings(),
        workdir=workdir,
        cancelled=cancelled,
    )

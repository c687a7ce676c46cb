"""The script stage handler: stores the script and announces it; an unusable script fails the job plainly."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.script.handler import build_handler
from services.script.planner import PlannerScriptWriter
from shared.config import Settings
from shared.errors import PermanentError
from shared.events import make_event
from shared.providers.base import Drafted
from shared.request import AdRequest
from shared.script import Script
from tests.fakes.audio_stage_context import JOB_ID, USER_ID, context_for

REQUEST = AdRequest(brief="A warm 20-second spot for Brewly coffee", duration_s=20)
EVENT = make_event("job.submitted", job_id=JOB_ID, user_id=USER_ID)


async def test_the_script_is_stored_as_json_and_announced(tmp_path: Path) -> None:
    ctx = context_for(REQUEST, tmp_path)
    handle = build_handler(Settings(), PlannerScriptWriter(Settings()))

    result = await handle(EVENT, ctx)

    key = f"users/{USER_ID}/jobs/{JOB_ID}/script/script.json"
    stored = Script.model_validate_json(ctx.storage.objects[key])  # type: ignore[attr-defined]
    assert result.event_type == "script.completed"
    assert result.payload.model_dump() == {
        "script_key": key,
        "duration_s": 20.0,
        "scene_count": len(stored.scenes),
        "needs_narration": True,
    }
    assert result.cost_usd == 0.0


class _WrongLengthWriter:
    name = "fake"

    async def write(self, request: AdRequest, *, checkpoints, cancelled) -> Drafted:
        script = Script.model_validate({  # valid, but ten seconds long
            "title": "t", "duration_s": 10, "needs_narration": False,
            "scenes": [{"index": 0, "duration_s": 10, "visual_prompt": "a quiet kitchen"}],
        })  # fmt: skip
        return Drafted(script=script)


class _BrokenWriter:
    name = "fake"

    async def write(self, request: AdRequest, *, checkpoints, cancelled) -> Drafted:
        broken = Script.model_construct(title="t", duration_s=20, scenes=[], narration=[], needs_narration=True)
        return Drafted(script=broken)


async def test_a_script_that_fails_validation_is_a_permanent_error_with_a_plain_reason(tmp_path: Path) -> None:
    handle = build_handler(Settings(), _BrokenWriter())

    with pytest.raises(PermanentError, match="unusable script"):
        await handle(EVENT, context_for(REQUEST, tmp_path))


async def test_a_script_of_the_wrong_length_is_a_permanent_error(tmp_path: Path) -> None:
    handle = build_handler(Settings(), _WrongLengthWriter())

    with pytest.raises(PermanentError, match="runs 10s but the ad must run 20s"):
        await handle(EVENT, context_for(REQUEST, tmp_path))

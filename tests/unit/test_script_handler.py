"""The script stage handler: stores the script and announces it; an unusable script fails the job plainly."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.script.handler import build_handler
from shared.config import Settings
from shared.errors import PermanentError
from shared.events import make_event
from shared.providers.base import Drafted
from shared.request import AdRequest
from shared.script import Script
from shared.scripting.planner import PlannerScriptWriter, plan
from shared.versions import VersionRecord
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


PHARMA = AdRequest(
    brief="A calm spot for Claritex allergy tablets", ad_type="pharmaceutical", brand="Claritex", duration_s=40,
    side_effects="Claritex may cause drowsiness and dry mouth. Do not take it with alcohol.",
    prescribing_info_url="https://claritex.example/pi", phone="1-800-555-0199",
)  # fmt: skip


class _EditingWriter:
    """The planner's script with one edit a careless writer might make."""

    name = "fake"

    def __init__(self, edit: str) -> None:
        self.edit = edit

    async def write(self, request: AdRequest, **_: object) -> Drafted:
        script = plan(request)
        narration = list(script.narration)
        if self.edit == "shortened":
            page = next(k for k, s in enumerate(narration) if s.kind == "safety")
            narration[page] = narration[page].model_copy(update={"text": "Claritex may cause drowsiness."})
        elif self.edit == "faster":
            narration = [s.model_copy(update={"speed": 1.3}) if s.kind == "safety" else s for s in narration]
        elif self.edit == "no phone":
            narration = [s for s in narration if s.kind != "provision"]
        update: dict[str, object] = {"narration": narration}
        if self.edit == "paraphrased on screen":
            update = {"safety_text": "May cause drowsiness or a dry mouth. Avoid alcohol."}
        return Drafted(script=script.model_copy(update=update))


@pytest.mark.parametrize(
    ("edit", "reason"),
    [
        ("shortened", "the side effects exactly as given"),
        ("paraphrased on screen", "safety_text (the on-screen statement)"),
        ("faster", "speed 1.0"),
        ("no phone", "1-800-555-0199"),
    ],
)
async def test_a_script_that_alters_the_statement_is_refused_before_any_paid_stage(
    tmp_path: Path, edit: str, reason: str
) -> None:
    ctx = context_for(PHARMA, tmp_path)
    handle = build_handler(Settings(), _EditingWriter(edit))

    with pytest.raises(PermanentError, match="does not keep the major statement verbatim") as raised:
        await handle(EVENT, ctx)

    assert reason in str(raised.value)
    assert ctx.storage.objects == {}  # type: ignore[attr-defined]  # no script stored: nothing downstream starts


async def test_the_planners_pharmaceutical_script_keeps_the_statement(tmp_path: Path) -> None:
    result = await build_handler(Settings(), PlannerScriptWriter(Settings()))(EVENT, context_for(PHARMA, tmp_path))

    assert result.event_type == "script.completed"


class _MustNotWrite:
    name = "must-not-write"
    calls = 0

    async def write(self, request: AdRequest, *, checkpoints, cancelled) -> Drafted:
        _MustNotWrite.calls += 1
        raise AssertionError("a revision's script is given: the writer must not be called")


def _revision_context(tmp_path: Path, script: Script):
    ctx = context_for(REQUEST, tmp_path)
    key = f"users/{USER_ID}/jobs/{JOB_ID}/v2/script/script.json"
    ctx.storage.objects[key] = script.model_dump_json().encode()  # type: ignore[attr-defined]
    record = VersionRecord(version=2, created_at="t", script_key=key)
    ctx.job = ctx.job.model_copy(update={"version": 2, "versions": {"2": record}})
    return ctx, key


async def test_a_revisions_script_is_given_checked_and_announced_without_calling_the_writer(tmp_path: Path) -> None:
    edited = plan(REQUEST).model_copy(update={"title": "Brewly, revised"})
    ctx, key = _revision_context(tmp_path, edited)

    result = await build_handler(Settings(), _MustNotWrite())(EVENT, ctx)

    assert _MustNotWrite.calls == 0
    assert result.payload.model_dump()["script_key"] == key
    assert result.cost_usd == 0.0


async def test_a_revisions_script_that_breaks_the_rules_fails_the_version(tmp_path: Path) -> None:
    planned = plan(REQUEST)
    *first, last = planned.scenes
    longer = planned.model_copy(  # a valid script, four seconds longer than the ad
        update={"duration_s": 24, "scenes": [*first, last.model_copy(update={"duration_s": last.duration_s + 4})]}
    )
    ctx, _ = _revision_context(tmp_path, longer)

    with pytest.raises(PermanentError, match="runs 24s but the ad must run 20s"):
        await build_handler(Settings(), _MustNotWrite())(EVENT, ctx)

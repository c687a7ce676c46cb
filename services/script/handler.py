"""The script stage: brief → `script/script.json`, the timeline every later stage works to.

A revision (version 2 on) comes with its script: the gateway built it from the user's diff and stored it
under the version's prefix. The stage checks it as it checks a written one and announces it, with no
call to the script writer, so a revision pays nothing for its script.
"""

from __future__ import annotations

from pydantic import ValidationError

from shared.config import Settings
from shared.errors import PermanentError
from shared.events import Event
from shared.payloads import ScriptCompletedPayload
from shared.providers.base import ScriptWriter
from shared.script import Script
from shared.scripting.validation import ScriptRejected, validated
from shared.stage import Handler, StageContext, StageResult
from shared.storage import asset_key


def build_handler(settings: Settings, scripts: ScriptWriter) -> Handler:
    """The handler around the script writer `__main__` selected (tests pass their own)."""

    async def handle(event: Event, ctx: StageContext) -> StageResult:
        job = ctx.job
        given = job.versions.get(str(job.version))
        if job.version > 1 and given is not None and given.script_key:
            return await _given(ctx, given.script_key)
        try:
            drafted = await scripts.write(job.request, checkpoints=ctx.checkpoints, cancelled=ctx.cancelled)
        except ValidationError as exc:
            raise PermanentError(_reason(exc)) from exc
        try:
            script = validated(drafted.script, job.request)  # the same checks a storyboard edit passes
        except ScriptRejected as exc:
            # Refused here, before narration, clips and music are paid for.
            raise PermanentError(_refusal(exc)) from exc
        await ctx.raise_if_cancelled()
        key = asset_key(job.user_id, job.job_id, "script", "script.json")
        await ctx.storage.upload_bytes(script.model_dump_json(indent=2).encode(), key)
        ctx.log.info("script.written", provider=scripts.name, scenes=len(script.scenes), segments=len(script.narration))
        payload = ScriptCompletedPayload(
            script_key=key,
            duration_s=script.duration_s,
            scene_count=len(script.scenes),
            needs_narration=script.needs_narration,
        )
        return StageResult("script.completed", payload, cost_usd=drafted.cost_usd)

    return handle


async def _given(ctx: StageContext, script_key: str) -> StageResult:
    """A revision's script, as the gateway stored it: checked again and announced, never re-written."""
    try:
        script = validated(Script.model_validate_json(await ctx.storage.read_bytes(script_key)), ctx.job.request)
    except ValidationError as exc:
        raise PermanentError("the revision's stored script is not a script") from exc
    except ScriptRejected as exc:
        raise PermanentError(_refusal(exc)) from exc
    ctx.log.info("script.given", version=ctx.job.version, scenes=len(script.scenes))
    payload = ScriptCompletedPayload(
        script_key=script_key,
        duration_s=script.duration_s,
        scene_count=len(script.scenes),
        needs_narration=script.needs_narration,
    )
    return StageResult("script.completed", payload)


def _refusal(exc: ScriptRejected) -> str:
    if exc.kind == "statement":
        return f"the script does not keep the major statement verbatim ({exc.message})"
    if exc.kind == "length":
        return exc.message
    return f"the script writer produced an unusable script ({exc.field}: {exc.message})"


def _reason(exc: ValidationError) -> str:
    first = exc.errors(include_url=False)[0]
    where = ".".join(str(part) for part in first["loc"]) or "script"
    return f"the script writer produced an unusable script ({where}: {first['msg']})"

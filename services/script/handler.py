"""The script stage: brief → `script/script.json`, the timeline every later stage works to."""

from __future__ import annotations

from pydantic import ValidationError

from shared.config import Settings
from shared.errors import PermanentError
from shared.events import Event, ScriptCompletedPayload
from shared.providers.base import ScriptWriter
from shared.scripting.validation import ScriptRejected, validated
from shared.stage import Handler, StageContext, StageResult
from shared.storage import asset_key


def build_handler(settings: Settings, scripts: ScriptWriter) -> Handler:
    """The handler around the script writer `__main__` selected (tests pass their own)."""

    async def handle(event: Event, ctx: StageContext) -> StageResult:
        job = ctx.job
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

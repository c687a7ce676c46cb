"""POST /jobs/{id}/revisions: the next version of a finished job, redoing only what the diff touches.

The gateway builds the new script from the previous version's and the diff (checked as a storyboard edit
is, so an invalid diff is a 422 naming the field), says what will be redone and what it should cost,
stores the script under the new version's prefix, then starts the version in the ledger (one transaction
with the Idempotency-Key's marker and the outbox mark) and publishes its `job.submitted`. A completed
job can be revised, and so can a failed one (to change what failed it, a refused prompt say), once none
of its stages is still running; a job under way, awaiting approval or cancelled cannot (409). A review job's
revision that pays for anything the gate holds back (video, speech, music) is reviewed too, so its new
pictures are approved before they are paid for; a text-only one, which pays for nothing, goes straight
through. The diff's `review` overrides either way.
"""

from __future__ import annotations

import hashlib
import time
from typing import Annotated

import structlog
from litestar import Response, post
from litestar.di import NamedDependency
from litestar.exceptions import ClientException, ValidationException
from litestar.params import FromPath, HeaderParameter, JSONBody

from services.gateway.body import require_json_body
from services.gateway.errors import (
    JOB_NOT_FOUND,
    JSON_BODY,
    TOO_MANY_JOBS,
    error_spec,
    too_many_active_jobs,
)
from services.gateway.routes.jobs import owned_job
from services.gateway.schemas import RevisionRequest, RevisionResponse
from shared.config import Settings
from shared.connections import Connections
from shared.job import Job
from shared.ledger import IdempotencyConflict, RevisionRefused, TooManyActiveJobs
from shared.outbox_relay import publish_submitted
from shared.payloads import ScriptCompletedPayload
from shared.providers.catalogue import Model
from shared.providers.selection import priced_models
from shared.quote import Quote
from shared.redo import changed_keyframes, price_redo, redo_for
from shared.script import Script
from shared.storage import Storage, asset_key
from shared.storyboard_edits import EditRejected, apply_edits
from shared.versions import Redo

_CONFLICT = 409


def _unprocessable(field: str, message: str) -> ValidationException:
    return ValidationException(detail=f"{field} {message}", extra=[{"key": field, "message": message}])


def _body_hash(body: RevisionRequest) -> str:
    return hashlib.sha256(body.model_dump_json(exclude_none=True).encode()).hexdigest()


def _refuse_unless_revisable(job: Job) -> None:
    if job.status not in {"completed", "failed"}:
        raise ClientException(
            status_code=_CONFLICT, detail=f"only a completed or failed job can be revised (this one is {job.status})"
        )
    now = time.time()
    if any(s.status == "running" and (s.lease_expires_at or 0) > now for s in job.stages.values()):
        raise ClientException(status_code=_CONFLICT, detail="a stage of this job is still stopping; try again shortly")


async def _current_script(job: Job, storage: Storage) -> Script:
    written = job.output("script", ScriptCompletedPayload)
    if written is None:
        raise ClientException(status_code=_CONFLICT, detail="this job has no script to revise (it failed before one)")
    return Script.model_validate_json(await storage.read_bytes(written.script_key))


def _revised(script: Script, job: Job, body: RevisionRequest) -> Script:
    if not body.scenes and body.music_mood is None:
        raise _unprocessable("scenes", "a revision must change a scene or the music mood")
    try:
        edited = apply_edits(script, job.request, list(body.scenes)).script
    except EditRejected as exc:
        raise _unprocessable(exc.field, exc.message) from exc
    if body.music_mood is not None:
        edited = edited.model_copy(update={"music_mood": body.music_mood.strip()})
    return edited


def _estimate(old: Script, new: Script, redo: Redo, job: Job, settings: Settings) -> Quote:
    remade = changed_keyframes(old, new)
    if getattr(job.request, "continuity", "keyframes") == "chain":  # only scene 0's opening frame is made
        remade = [k for k in remade if k == 0]
    models: dict[str, Model | None] = {stage: model for stage, model in priced_models(settings).items()}
    return price_redo(new, redo, models, keyframes=len(remade))


def _response(job: Job, version: int) -> RevisionResponse:
    record = job.versions[str(version)]
    empty = Quote(total_usd=0.0, stages=[], scenes=[])
    return RevisionResponse(
        job_id=job.job_id, version=version, redo=record.redo or Redo(), estimate=record.estimate or empty,
        review=record.review,
    )  # fmt: skip


@post(
    "/jobs/{job_id:str}/revisions",
    status_code=202,
    before_request=require_json_body,
    summary="Revise a finished job: its next version redoes only what the diff changes",
    responses={
        **JSON_BODY,
        **JOB_NOT_FOUND,
        **TOO_MANY_JOBS,
        409: error_spec("The job cannot be revised now, or the Idempotency-Key was used with another body"),
        422: error_spec("Invalid field(s) of the diff"),
    },
)
async def revise_job(
    job_id: FromPath[str],
    data: JSONBody[RevisionRequest],
    *,
    user_id: NamedDependency[str],
    conn: NamedDependency[Connections],
    settings: NamedDependency[Settings],
    idempotency_key: Annotated[
        str | None, HeaderParameter(name="Idempotency-Key", min_length=1, max_length=200, required=False)
    ] = None,
) -> Response[RevisionResponse]:
    job = await owned_job(conn, user_id, job_id)
    body_hash = _body_hash(data)
    try:
        if idempotency_key:
            made = await conn.ledger.revisions.existing(job, idempotency_key=idempotency_key, request_hash=body_hash)
            if made is not None:
                return Response(_response(job, made), status_code=202)
        _refuse_unless_revisable(job)
        old = await _current_script(job, conn.storage)
        new = _revised(old, job, data)
        # The clips stage's mode for this job (a request from before continuity modes chains its scenes).
        continuity = str(getattr(job.request, "continuity", "chain"))
        redo = redo_for(old, new, continuity=continuity)
        estimate = _estimate(old, new, redo, job, settings)
        key = asset_key(job.user_id, job.job_id, "script", "script.json", version=job.version + 1)
        await conn.storage.upload_bytes(new.model_dump_json(indent=2).encode(), key)
        started = await conn.ledger.revisions.start(
            job, script_key=key, redo=redo, estimate=estimate, idempotency_key=idempotency_key,
            request_hash=body_hash, max_active=settings.max_active_jobs,
            review=data.review if data.review is not None else job.request.review and redo.pays_after_gate,
        )  # fmt: skip
    except IdempotencyConflict as exc:
        raise ClientException(
            status_code=_CONFLICT, detail="this Idempotency-Key was already used with a different revision"
        ) from exc
    except TooManyActiveJobs as exc:
        raise too_many_active_jobs(settings) from exc
    except RevisionRefused as exc:
        raise ClientException(status_code=_CONFLICT, detail=str(exc)) from exc
    revised = await owned_job(conn, user_id, job_id)
    if started.created:
        try:  # the ledger owes this publish (outbox): should it fail, the relay makes it
            await publish_submitted(conn.ledger, conn.bus, revised)
        except Exception as exc:
            structlog.get_logger().warning(
                "revision.publish_deferred", job_id=job_id, reason=f"{type(exc).__name__}: {exc}"[:300]
            )
    return Response(_response(revised, started.version), status_code=202)

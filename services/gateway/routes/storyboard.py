"""A review job's storyboard: read it, edit it (validated as a new script is), approve it to release the paid work.

Another user's job is a 404, indistinguishable from absent. An edit is stored as a new script object and
the job's script stage points at it, so what is rendered is what was approved; a changed picture sends the
stages before the gate (the keyframes) back to redo what it touched. Approval opens the gate and
re-publishes, through the outbox, what wakes the paid stages; approving again changes nothing.
"""

from __future__ import annotations

import hashlib

from litestar import get, patch, post
from litestar.di import NamedDependency
from litestar.exceptions import ClientException, ValidationException
from litestar.params import FromPath, JSONBody

from services.gateway.body import require_json_body
from services.gateway.errors import JOB_CONFLICT, JOB_NOT_FOUND, JSON_BODY, error_spec
from services.gateway.routes.jobs import owned_job
from services.gateway.schemas import JobView, StoryboardEdit, StoryboardView
from services.gateway.storyboard_view import editable, stored_script, storyboard_view
from services.gateway.views import job_view
from shared.config import Settings
from shared.connections import Connections
from shared.job import Job
from shared.ledger.outbox import APPROVED, EDITED
from shared.outbox_relay import publish_owed
from shared.payloads import ScriptCompletedPayload
from shared.script import Script
from shared.storage import asset_key
from shared.storyboard_edits import EditRejected, apply_edits
from shared.topology import PRE_GATE_STAGES


async def _script_of(job: Job, conn: Connections) -> Script:
    script = await stored_script(job, conn.storage)
    if script is None:
        raise ClientException(status_code=409, detail=f"the job has no script yet ({job.status})")
    return script


@get("/jobs/{job_id:str}/storyboard", summary="A job's storyboard", responses={**JOB_NOT_FOUND, **JOB_CONFLICT})
async def get_storyboard(
    job_id: FromPath[str],
    user_id: NamedDependency[str],
    conn: NamedDependency[Connections],
    settings: NamedDependency[Settings],
) -> StoryboardView:
    job = await owned_job(conn, user_id, job_id)
    return await storyboard_view(job, await _script_of(job, conn), conn.storage, settings)


@patch(
    "/jobs/{job_id:str}/storyboard",
    status_code=200,
    before_request=require_json_body,
    summary="Edit a storyboard awaiting approval",
    responses={
        **JSON_BODY,
        **JOB_NOT_FOUND,
        **JOB_CONFLICT,
        422: error_spec("An edit the script rules refuse, naming the field"),
    },
)
async def edit_storyboard(
    job_id: FromPath[str],
    data: JSONBody[StoryboardEdit],
    user_id: NamedDependency[str],
    conn: NamedDependency[Connections],
    settings: NamedDependency[Settings],
) -> StoryboardView:
    job = await owned_job(conn, user_id, job_id)
    if not editable(job):
        raise ClientException(
            status_code=409, detail=f"only a storyboard awaiting approval can be edited ({job.status})"
        )
    try:
        edited = apply_edits(await _script_of(job, conn), job.request, list(data.scenes))
    except EditRejected as exc:
        detail = f"invalid request: {exc.field}"
        raise ValidationException(detail=detail, extra=[{"key": exc.field, "message": exc.message}]) from exc
    body = edited.script.model_dump_json(indent=2).encode()
    key = asset_key(job.user_id, job.job_id, "script", f"script-{hashlib.sha256(body).hexdigest()[:16]}.json")
    await conn.storage.upload_bytes(body, key)
    event = job.event(
        "script.completed",
        ScriptCompletedPayload(
            script_key=key,
            duration_s=edited.script.duration_s,
            scene_count=len(edited.script.scenes),
            needs_narration=edited.script.needs_narration,
        ),
    )
    # A changed picture: the stages before the gate that made pictures from the old one redo (their checkpoints
    # are keyed by content, so only what the edit touched is paid for again).
    redo = tuple(s.name for s in PRE_GATE_STAGES if s.name != "script" and job.stage(s.name).done)
    updated = await conn.ledger.gate.replace_script(
        job,
        event_json=event.model_dump_json(),
        redo=redo if edited.pictures_changed else (),
    )
    if updated is None:
        raise ClientException(status_code=409, detail="the storyboard changed meanwhile: fetch it and edit again")
    if updated.status == "running":
        await publish_owed(conn.ledger, conn.bus, updated, EDITED)
    return await storyboard_view(updated, edited.script, conn.storage, settings)


@post(
    "/jobs/{job_id:str}/approve",
    status_code=202,
    summary="Approve a storyboard: the paid stages start",
    responses={**JOB_NOT_FOUND, **JOB_CONFLICT},
)
async def approve_storyboard(
    job_id: FromPath[str],
    user_id: NamedDependency[str],
    conn: NamedDependency[Connections],
    settings: NamedDependency[Settings],
) -> JobView:
    """Idempotent: approving an approved job answers as the first approval did."""
    job = await owned_job(conn, user_id, job_id)
    if job.gate is None:
        raise ClientException(status_code=409, detail="this job was not submitted for review (review: false)")
    if job.gate_closed:
        approved = await conn.ledger.gate.approve(job.job_id)
        if approved is None:
            current = await owned_job(conn, user_id, job_id)
            if current.gate_closed:  # not awaiting approval: still writing, redoing keyframes, or ended
                raise ClientException(
                    status_code=409, detail=f"the storyboard is not awaiting approval ({current.status})"
                )
        else:
            await publish_owed(conn.ledger, conn.bus, approved, APPROVED)
    return await job_view(await owned_job(conn, user_id, job_id), conn.storage, presign_ttl_s=settings.presign_ttl_s)

"""A job's full compliance report: every rule with its citation, threshold, measured value and verdict.

Served from the report the composer stored beside the ad; an enforced job that failed its report
still has one, so the user can read which rules failed and by how much. Each version of a job has
its own report: `?version=N` reads an earlier one (the default is the current version's).
"""

from __future__ import annotations

from typing import Annotated

from litestar import get
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, QueryParameter

from services.gateway.errors import error_spec
from services.gateway.routes.jobs import owned_job
from shared.compliance import ComplianceReport
from shared.connections import Connections
from shared.storage import asset_key


@get(
    "/jobs/{job_id:str}/compliance",
    summary="A job's compliance report",
    responses={404: error_spec("No such job for this user, or no report yet")},
)
async def job_compliance(
    job_id: FromPath[str],
    user_id: NamedDependency[str],
    conn: NamedDependency[Connections],
    version: Annotated[int | None, QueryParameter(ge=1, le=1000, required=False)] = None,
) -> ComplianceReport:
    job = await owned_job(conn, user_id, job_id)
    wanted = version or job.version
    if wanted > job.version:
        raise NotFoundException(detail=f"this job has no version {wanted}")
    key = asset_key(job.user_id, job.job_id, "final", "compliance.json", version=wanted)
    ended = wanted < job.version or job.status in {"completed", "failed"}
    if not ended or not await conn.storage.exists(key):
        raise NotFoundException(detail="this job has no compliance report yet")
    return ComplianceReport.model_validate_json(await conn.storage.read_bytes(key))

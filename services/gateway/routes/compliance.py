"""A job's full compliance report: every rule with its citation, threshold, measured value and verdict.

Served from the report the composer stored beside the ad; an enforced job that failed its report
still has one, so the user can read which rules failed and by how much.
"""

from __future__ import annotations

from litestar import get
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath

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
    job_id: FromPath[str], user_id: NamedDependency[str], conn: NamedDependency[Connections]
) -> ComplianceReport:
    job = await owned_job(conn, user_id, job_id)
    key = asset_key(job.user_id, job.job_id, "final", "compliance.json")
    if job.status not in {"completed", "failed"} or not await conn.storage.exists(key):
        raise NotFoundException(detail="this job has no compliance report yet")
    return ComplianceReport.model_validate_json(await conn.storage.read_bytes(key))

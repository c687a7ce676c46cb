"""Liveness, readiness and usage."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable

from litestar import Response, get
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.openapi.datastructures import ResponseSpec

from services.gateway.schemas import Health, UsagePeriod, UsageView
from shared.connections import Connections

READY_TIMEOUT_S = 3.0


@get("/health", summary="Liveness: the process answers (no dependencies)")
async def health() -> Health:
    return Health(status="ok")


async def _check(name: str, probe: Awaitable[object]) -> tuple[str, str]:
    try:
        await asyncio.wait_for(probe, READY_TIMEOUT_S)
    except Exception as exc:  # a readiness probe reports any failure rather than raising
        return name, f"unreachable: {type(exc).__name__}"
    return name, "ok"


@get(
    "/ready",
    summary="Readiness: the ledger, the bus and storage answer",
    responses={503: ResponseSpec(Health, description="A dependency does not answer", generate_examples=False)},
)
async def ready(conn: NamedDependency[Connections], state: State) -> Response[Health]:
    checks = dict(
        await asyncio.gather(
            _check("ledger", conn.ledger.get_job("readiness-probe")),
            _check("bus", conn.clients.sns.get_topic_attributes(TopicArn=conn.bus.topic_arn)),
            _check("storage", conn.clients.s3.head_bucket(Bucket=conn.storage.bucket)),
        )
    )
    healthy = all(value == "ok" for value in checks.values())
    return Response(
        Health(status="ok" if healthy else "unavailable", checks=checks, notices=state["model_notices"]),
        status_code=200 if healthy else 503,
    )


@get("/usage", summary="My usage per month: jobs, seconds of video, cost")
async def usage(user_id: NamedDependency[str], conn: NamedDependency[Connections]) -> UsageView:
    rows = await conn.ledger.get_usage(user_id)
    return UsageView(
        user_id=user_id,
        periods=[
            UsagePeriod(
                period=str(row.get("period", "")),
                jobs=int(row.get("jobs", 0)),
                video_seconds=float(row.get("video_seconds", 0.0)),
                cost_usd=float(row.get("cost_usd", 0.0)),
                quotes=int(row.get("quotes", 0)),
                quote_cost_usd=float(row.get("quote_cost_usd", 0.0)),
            )
            for row in rows
        ],
    )

"""The gateway's app factory: routes, auth, error shape, OpenAPI, CORS, the web page.

`create_app(settings, connections=None)` owns its AWS clients in a lifespan unless a test hands
it `connections`; nothing is built at import time.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from pathlib import Path

from litestar import Litestar, Router
from litestar.config.cors import CORSConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.exceptions import HTTPException, ValidationException
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme
from litestar.static_files import create_static_files_router

from services.gateway.auth import Authenticator, KeyStoreRequired, authenticate, static_keys
from services.gateway.errors import http_error, validation_error
from services.gateway.progress_hub import ProgressHub
from services.gateway.routes.assets import create_asset, get_asset
from services.gateway.routes.compliance import job_compliance
from services.gateway.routes.jobs import cancel_job, get_job, list_jobs, retry_job
from services.gateway.routes.progress import job_events, stream_token
from services.gateway.routes.quotes import create_quote
from services.gateway.routes.revisions import revise_job
from services.gateway.routes.storyboard import approve_storyboard, edit_storyboard, get_storyboard
from services.gateway.routes.submit import generate
from services.gateway.routes.system import health, ready, usage
from services.gateway.security_headers import security_headers
from services.gateway.stream_tokens import StreamTokens
from services.gateway.views import API_PREFIX
from shared.api_keys import KeyStore
from shared.config import Settings
from shared.connections import Connections, connect
from shared.outbox_relay import run_relay
from shared.providers.shutdown import configured_notices, today_utc

STATIC_DIR = Path(__file__).parent / "static"
MAX_BODY_BYTES = 64 * 1024


async def _connections(state: State) -> Connections:
    connections: Connections = state.connections
    return connections


async def _settings(state: State) -> Settings:
    settings: Settings = state.settings
    return settings


def _cors(settings: Settings) -> CORSConfig | None:
    origins = [origin.strip() for origin in settings.cors_origins.split(",") if origin.strip()]
    if not origins:
        return None
    return CORSConfig(
        allow_origins=origins,
        allow_headers=["Authorization", "Content-Type", "Idempotency-Key"],
        allow_credentials=False,
    )


async def _key_store(settings: Settings, conn: Connections) -> KeyStore | None:
    """The key store when its table exists; outside development a missing store stops the start-up."""
    try:
        await conn.clients.dynamodb.describe_table(TableName=conn.keys.table)
    except conn.clients.dynamodb.exceptions.ResourceNotFoundException:
        if settings.env != "dev":
            raise KeyStoreRequired(f"the key store (table {conn.keys.table}) is missing: refusing to start") from None
        return None
    return conn.keys


def create_app(settings: Settings, connections: Connections | None = None, *, today: date | None = None) -> Litestar:
    """The app; outside development it refuses to be built with development keys or started without a key store.

    `/ready` also lists configured models shutting down within a month; `today` (for tests) dates them."""
    notices = [n.message for n in configured_notices(settings, today or today_utc())]
    authenticator = Authenticator(static_keys(settings), cache_s=settings.key_cache_s)
    stream_tokens = StreamTokens.from_settings(settings)

    def hub_for(conn: Connections) -> ProgressHub:
        return ProgressHub(
            lambda job_id: conn.ledger.get_job(job_id),  # noqa: PLW0108 - read `ledger` late (tests pass a stand-in)
            poll_s=settings.sse_poll_s,
            max_per_user=settings.sse_max_streams_per_user,
        )

    @asynccontextmanager
    async def own_connections(app: Litestar) -> AsyncIterator[None]:
        if connections is not None:
            app.state.connections = connections
            app.state.progress_hub = hub_for(connections)
            yield
            return
        async with connect(settings) as owned:
            app.state.connections = owned
            app.state.progress_hub = hub_for(owned)
            app.state.key_store = await _key_store(settings, owned)
            relay = asyncio.create_task(
                run_relay(
                    owned.ledger,
                    owned.bus,
                    every_s=settings.outbox_relay_s,
                    grace_s=settings.outbox_grace_s,
                    review_expiry_s=settings.review_expiry_s,
                )
            )
            try:
                yield
            finally:
                relay.cancel()

    api = Router(
        path=API_PREFIX,
        route_handlers=[
            generate,
            create_quote,
            get_job,
            list_jobs,
            cancel_job,
            retry_job,
            get_storyboard,
            edit_storyboard,
            approve_storyboard,
            revise_job,
            stream_token,
            job_events,
            job_compliance,
            usage,
            create_asset,
            get_asset,
        ],
        dependencies={"user_id": Provide(authenticate)},
        security=[{"BearerAuth": []}],
    )
    return Litestar(
        route_handlers=[
            api,
            health,
            ready,
            create_static_files_router(
                path="/",
                directories=[STATIC_DIR],
                html_mode=True,
                include_in_schema=False,
                after_request=security_headers(settings),
            ),
        ],
        dependencies={"conn": Provide(_connections), "settings": Provide(_settings)},
        lifespan=[own_connections],
        state=State(
            {
                "settings": settings,
                "authenticator": authenticator,
                "key_store": None,
                "stream_tokens": stream_tokens,
                "model_notices": notices,
            }
        ),
        exception_handlers={ValidationException: validation_error, HTTPException: http_error},
        request_max_body_size=MAX_BODY_BYTES,
        cors_config=_cors(settings),
        openapi_config=OpenAPIConfig(
            title="PharmaGen",
            version="1.0.0",
            description="Turn a brief into a finished 30-second video ad.",
            path="/schema",
            render_plugins=[SwaggerRenderPlugin()],
            components=Components(
                security_schemes={"BearerAuth": SecurityScheme(type="http", scheme="bearer", description="API key")}
            ),
        ),
    )

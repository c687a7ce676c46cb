"""The only place AWS clients are built: aiobotocore for services, boto3 for tools and tests.

Endpoints come from settings (`AWS_ENDPOINT_URL`, `AWS_ENDPOINT_URL_DYNAMODB`), so the same code
reaches moto, LocalStack or AWS. Long polls need a read timeout above `WaitTimeSeconds` and a
connection pool larger than the number of polls in flight.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from typing import Any

import boto3
from aiobotocore.config import AioConfig
from aiobotocore.session import get_session
from botocore.config import Config

from shared.config import Settings

_POOL = 50
_READ_TIMEOUT_S = 30  # above the 20 s long poll


def _endpoint(settings: Settings, service: str) -> str | None:
    if service == "dynamodb" and settings.aws_endpoint_url_dynamodb:
        return settings.aws_endpoint_url_dynamodb
    return settings.aws_endpoint_url


def _client_kwargs(settings: Settings, service: str) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"region_name": settings.aws_region}
    endpoint = _endpoint(settings, service)
    if endpoint:
        kwargs["endpoint_url"] = endpoint
    return kwargs


def _s3_addressing(service: str) -> dict[str, Any]:
    return {"s3": {"addressing_style": "path"}} if service == "s3" else {}


@dataclass
class AwsClients:
    """The async clients a service uses, owned by one exit stack."""

    sqs: Any
    sns: Any
    dynamodb: Any
    s3: Any
    kms: Any


@asynccontextmanager
async def async_clients(settings: Settings) -> AsyncIterator[AwsClients]:
    session = get_session()
    async with AsyncExitStack() as stack:
        built = {}
        for service in ("sqs", "sns", "dynamodb", "s3", "kms"):
            config = AioConfig(
                max_pool_connections=_POOL,
                read_timeout=_READ_TIMEOUT_S,
                connect_timeout=5,
                retries={"max_attempts": 3, "mode": "standard"},
                **_s3_addressing(service),
            )
            built[service] = await stack.enter_async_context(
                session.create_client(service, config=config, **_client_kwargs(settings, service))
            )
        yield AwsClients(**built)


@asynccontextmanager
async def async_client(settings: Settings, service: str) -> AsyncIterator[Any]:
    config = AioConfig(max_pool_connections=_POOL, read_timeout=_READ_TIMEOUT_S, **_s3_addressing(service))
    async with get_session().create_client(service, config=config, **_client_kwargs(settings, service)) as client:
        yield client


def sync_client(settings: Settings, service: str) -> Any:
    """A boto3 client for tools, the bootstrap and tests."""
    config = Config(read_timeout=_READ_TIMEOUT_S, max_pool_connections=_POOL, **_s3_addressing(service))
    return boto3.client(service, config=config, **_client_kwargs(settings, service))

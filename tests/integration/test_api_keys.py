"""Keys in production, over real HTTP: `pharmagen-ops keys` creates, lists and revokes keys a prod-mode
gateway accepts from the key store; a prod gateway without a store, or with development keys, refuses to start.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from shared.aws import sync_client
from shared.config import Settings
from shared.connections import connect
from shared.topology import KEYS_TABLE
from tests.harness.gateway import RunningGateway, running_gateway
from tests.harness.processes import REPO_ROOT
from tests.harness.runtime import isolated_settings
from tools.local.bootstrap import bootstrap
from tools.ops.cli import app as ops_app

pytestmark = pytest.mark.integration
runner = CliRunner()
CACHE_S = 0.5
PROD = {
    "PHARMAGEN_ENV": "prod",
    "PHARMAGEN_KEY_CACHE_S": str(CACHE_S),
    "PHARMAGEN_STREAM_TOKEN_SECRET": "a-stream-secret-from-secrets-manager",
}


@pytest.fixture(scope="module")
def prefix(settings: Settings) -> str:
    isolated = isolated_settings(settings)
    bootstrap(isolated)
    return isolated.resource_prefix


@pytest.fixture(scope="module")
def gateway_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("gateway-keys") / "gateway.log"


@pytest.fixture(scope="module")
def prod_gateway(prefix: str, gateway_log: Path) -> Iterator[RunningGateway]:
    with running_gateway(users=[], log_path=gateway_log, extra_env={**PROD, "PHARMAGEN_RESOURCE_PREFIX": prefix}) as gw:
        yield gw


def ops(prefix: str, *args: str) -> dict[str, object] | list[dict[str, object]]:
    result = runner.invoke(ops_app, ["keys", *args, "--json"], env={"PHARMAGEN_RESOURCE_PREFIX": prefix})
    assert result.exit_code == 0, result.output
    parsed: dict[str, object] | list[dict[str, object]] = json.loads(result.output)
    return parsed


def _jobs(gateway: RunningGateway, key: str) -> int:
    headers = {"Authorization": f"Bearer {key}"}
    return httpx.get(f"{gateway.base_url}/api/v1/jobs", headers=headers, timeout=10).status_code


def _until(condition: object, timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return
        time.sleep(0.1)
    raise AssertionError("condition not met in time")


def test_a_created_key_works_until_it_is_revoked(prod_gateway: RunningGateway, prefix: str, gateway_log: Path) -> None:
    made = ops(prefix, "create", "alice")
    assert isinstance(made, dict)
    key, key_id = str(made["api_key"]), str(made["key_id"])
    assert str(made["webhook_secret"]).startswith("whsec_")
    assert _jobs(prod_gateway, key) == 200

    listed = ops(prefix, "list", "--user", "alice")
    assert [(row["key_id"], row["revoked"]) for row in listed if isinstance(row, dict)] == [(key_id, "-")]
    assert all(row["last_used"] != "-" for row in listed if isinstance(row, dict))
    assert key not in json.dumps(listed)

    result = runner.invoke(ops_app, ["keys", "revoke", key_id], env={"PHARMAGEN_RESOURCE_PREFIX": prefix})
    assert result.exit_code == 0, result.output
    _until(lambda: _jobs(prod_gateway, key) == 401)
    assert key not in gateway_log.read_text()


def test_a_second_key_keeps_the_first_webhook_secret(prefix: str) -> None:
    first, second = ops(prefix, "create", "bob"), ops(prefix, "create", "bob")
    assert isinstance(first, dict)
    assert isinstance(second, dict)
    assert str(first["webhook_secret"]).startswith("whsec_")
    assert second["webhook_secret"] is None  # created with the first key only, shown once
    assert first["api_key"] != second["api_key"]


def test_an_unknown_key_is_401(prod_gateway: RunningGateway) -> None:
    assert _jobs(prod_gateway, "pgk_not-a-key") == 401


def test_revoking_an_unknown_key_id_fails(prefix: str) -> None:
    result = runner.invoke(ops_app, ["keys", "revoke", "000000000000"], env={"PHARMAGEN_RESOURCE_PREFIX": prefix})
    assert result.exit_code == 1


def _start_fails(env: dict[str, str], tmp_path: Path) -> str:
    """Runs a gateway expected to refuse to start; returns what it printed."""
    proc = subprocess.run(
        [sys.executable, "-m", "services.gateway"],
        cwd=REPO_ROOT,
        env={**os.environ, "PHARMAGEN_PORT": "1", "PHARMAGEN_LOG_FORMAT": "console", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode != 0
    return proc.stdout + proc.stderr


def test_a_prod_gateway_without_a_key_store_refuses_to_start(settings: Settings, tmp_path: Path) -> None:
    isolated = isolated_settings(settings)
    bootstrap(isolated)
    sync_client(isolated, "dynamodb").delete_table(TableName=isolated.name(KEYS_TABLE))
    output = _start_fails({**PROD, "PHARMAGEN_RESOURCE_PREFIX": isolated.resource_prefix}, tmp_path)
    assert "key store" in output


def test_a_prod_gateway_with_development_keys_refuses_to_start(prefix: str, tmp_path: Path) -> None:
    env = {**PROD, "PHARMAGEN_RESOURCE_PREFIX": prefix, "PHARMAGEN_API_KEYS": "k-secret-value:alice"}
    output = _start_fails(env, tmp_path)
    assert "PHARMAGEN_API_KEYS is for development only" in output
    assert "k-secret-value" not in output


def test_a_prod_gateway_without_a_stream_token_secret_refuses_to_start(prefix: str, tmp_path: Path) -> None:
    env = {**PROD, "PHARMAGEN_RESOURCE_PREFIX": prefix}
    del env["PHARMAGEN_STREAM_TOKEN_SECRET"]
    output = _start_fails(env, tmp_path)
    assert "PHARMAGEN_STREAM_TOKEN_SECRET is required outside development" in output


@pytest.mark.parametrize("module", ["services.gateway", "services.notifier"])
def test_a_prod_service_that_finds_a_shared_webhook_secret_refuses_to_start(
    prefix: str, tmp_path: Path, module: str
) -> None:
    env = {**PROD, "PHARMAGEN_RESOURCE_PREFIX": prefix, "PHARMAGEN_WEBHOOK_SECRET": "pharmagen-dev-webhook-secret"}
    proc = subprocess.run(
        [sys.executable, "-m", module],
        cwd=REPO_ROOT,
        env={**os.environ, "PHARMAGEN_PORT": "1", "PHARMAGEN_LOG_FORMAT": "console", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode != 0
    assert "no shared or default secret is accepted" in proc.stdout + proc.stderr


def test_rotating_a_webhook_secret_shows_a_new_one_that_replaces_the_old(prefix: str, settings: Settings) -> None:
    first = ops(prefix, "create", "dora")
    rotated = ops(prefix, "rotate-webhook-secret", "dora")
    assert isinstance(first, dict)
    assert isinstance(rotated, dict)
    assert str(rotated["webhook_secret"]).startswith("whsec_")
    assert rotated["webhook_secret"] != first["webhook_secret"]

    async def stored() -> str | None:
        async with connect(settings.model_copy(update={"resource_prefix": prefix})) as conn:
            return await conn.webhook_secrets.get("dora")

    assert asyncio.run(stored()) == rotated["webhook_secret"]
    item = sync_client(settings, "dynamodb").get_item(
        TableName=f"{prefix}{KEYS_TABLE}", Key={"pk": {"S": "webhook#dora"}}
    )["Item"]
    assert str(rotated["webhook_secret"]).encode() not in item["ciphertext"]["B"]  # stored encrypted (KMS)

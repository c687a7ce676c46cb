"""Runs `python -m services.gateway` as a real process on a free port, for API, fuzz, browser tests and the bench."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.harness.processes import free_port, python_module, spawn_until_ready, stop_process


@dataclass(frozen=True)
class RunningGateway:
    base_url: str
    keys: dict[str, str]  # user_id -> API key
    pid: int = 0

    def headers(self, user_id: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[user_id]}"}


def user_keys(users: list[str]) -> dict[str, str]:
    return {user: f"test-key-{user}" for user in users}


@contextmanager
def running_gateway(
    *, users: list[str], log_path: Path, extra_env: dict[str, str] | None = None, start_timeout_s: float = 20.0
) -> Iterator[RunningGateway]:
    """Starts the gateway with one development API key per user (none: keys from the key store only);
    the emulator's env must already be in os.environ."""
    keys = user_keys(users)
    port = free_port()
    env = {
        **os.environ,
        "PHARMAGEN_API_KEYS": ",".join(f"{key}:{user}" for user, key in keys.items()),
        "PHARMAGEN_HOST": "127.0.0.1",
        "PHARMAGEN_PORT": str(port),
        "PHARMAGEN_LOG_FORMAT": "console",
        **(extra_env or {}),
    }
    if not keys:
        del env["PHARMAGEN_API_KEYS"]
    base_url = f"http://127.0.0.1:{port}"

    def ready() -> bool:
        try:
            return httpx.get(f"{base_url}/ready", timeout=1.0).status_code == 200
        except httpx.HTTPError:
            return False

    proc = spawn_until_ready(
        python_module("services.gateway"), log_path=log_path, ready=ready, timeout_s=start_timeout_s, env=env
    )
    try:
        yield RunningGateway(base_url=base_url, keys=keys, pid=proc.pid)
    finally:
        stop_process(proc)

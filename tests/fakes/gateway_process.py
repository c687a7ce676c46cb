"""Runs `python -m services.gateway` as a real process on a free port, for API, fuzz, browser tests and the bench."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tools.local.emulator import free_port

REPO_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class RunningGateway:
    base_url: str
    keys: dict[str, str]  # user_id -> API key

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
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "services.gateway"], cwd=REPO_ROOT, env=env, stdout=log, stderr=log
        )
        try:
            _wait_ready(base_url, proc, start_timeout_s, log_path)
            yield RunningGateway(base_url=base_url, keys=keys)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _wait_ready(base_url: str, proc: subprocess.Popen[bytes], timeout_s: float, log_path: Path) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gateway exited with {proc.returncode}:\n{log_path.read_text()[-3000:]}")
        try:
            if httpx.get(f"{base_url}/ready", timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise TimeoutError(f"gateway not ready within {timeout_s}s:\n{log_path.read_text()[-3000:]}")

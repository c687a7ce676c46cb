"""The whole local stack as real processes (`python -m shared.stack up`), shared by the end-to-end tests."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from shared.emulator import free_port

REPO_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class RunningStack:
    url: str
    api_key: str
    env: dict[str, str]
    log_path: Path

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, headers={"Authorization": f"Bearer {self.api_key}"}, timeout=30)


def _read_env(path: Path) -> dict[str, str]:
    return dict(line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    state = tmp_path_factory.mktemp("stack")
    port = free_port()
    api_key = "e2e-key-0123456789"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "PHARMAGEN_"))},
        "PHARMAGEN_PORT": str(port),
        "PHARMAGEN_API_KEYS": f"{api_key}:e2e-user",
        "PHARMAGEN_API_KEY": api_key,
        "PHARMAGEN_WORKDIR": str(state / "work"),
        "PHARMAGEN_VIDEO_PRESET": "veryfast",
    }
    log_path = state / "stack.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "shared.stack", "up", "--state-dir", str(state)],
            cwd=REPO_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None:
                pytest.fail(f"the stack exited early:\n{log_path.read_text()[-3000:]}")
            if (state / "stack.env").exists():
                try:
                    if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
            if time.monotonic() > deadline:
                pytest.fail(f"the stack did not come up:\n{log_path.read_text()[-3000:]}")
            time.sleep(0.2)
        yield RunningStack(url=url, api_key=api_key, env=_read_env(state / "stack.env"), log_path=log_path)
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=40)
        except subprocess.TimeoutExpired:
            proc.kill()

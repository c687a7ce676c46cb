"""The fake provider servers run standalone, as the end-to-end stack starts them, and are scripted over HTTP."""

from __future__ import annotations

import subprocess
import sys
import time

import httpx
import pytest

from tools.local.emulator import free_port

pytestmark = pytest.mark.integration


def started(module: str, port: int) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen([sys.executable, "-m", module, "--port", str(port)])
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/_fake/stats", timeout=1)
            return proc
        except httpx.TransportError:
            time.sleep(0.1)
    proc.kill()
    raise TimeoutError(f"{module} did not start")


@pytest.fixture
def replicate_process():
    port = free_port()
    proc = started("tests.fakes.replicate_server", port)
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(timeout=10)


def test_the_standalone_replicate_fake_is_scripted_and_counts_paid_predictions(replicate_process):
    base = replicate_process
    httpx.post(f"{base}/_fake/config", json={"latency_s": 0.05, "throttle_next_creates": 1}).raise_for_status()
    auth = {"Authorization": "Bearer test-token"}
    body = {"input": {"prompt": "a calm field of flowers", "lyrics": "[intro]\n[outro]"}}

    throttled = httpx.post(f"{base}/v1/models/minimax/music-1.5/predictions", json=body, headers=auth)
    created = httpx.post(f"{base}/v1/models/minimax/music-1.5/predictions", json=body, headers=auth)

    assert throttled.status_code == 429
    assert throttled.headers["Retry-After"]
    assert created.status_code == 201
    assert created.headers["Location"].endswith(created.json()["id"])
    assert httpx.get(f"{base}/_fake/stats").json()["creates"] == {"minimax/music-1.5": 1}

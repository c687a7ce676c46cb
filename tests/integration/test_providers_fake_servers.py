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
    body = {"input": {"prompt": "a calm field of flowers", "duration": 10}}
    path = f"{base}/v1/models/stability-ai/stable-audio-2.5/predictions"

    throttled = httpx.post(path, json=body, headers=auth)
    created = httpx.post(path, json=body, headers=auth)
    misspelt = httpx.post(path, json={"input": {"prompt": "a calm field", "duration_s": 10}}, headers=auth)

    assert throttled.status_code == 429
    assert throttled.headers["Retry-After"]
    assert created.status_code == 201
    assert created.headers["Location"].endswith(created.json()["id"])
    assert misspelt.status_code == 422  # Replicate would drop `duration_s` silently; the fake refuses it
    assert misspelt.json()["invalid_fields"] == [
        {"type": "additional_property_not_allowed", "field": "input.duration_s",
         "description": "duration_s is not a field of stability-ai/stable-audio-2.5"}
    ]  # fmt: skip
    assert httpx.get(f"{base}/_fake/stats").json()["creates"] == {"stability-ai/stable-audio-2.5": 1}

"""The fake Replicate and OpenAI servers as processes on free ports, for whole-stack tests and benchmarks.

`FakeProviders.env()` is all the stack needs to use them (keys and base URLs, nothing else);
`configure_*` scripts them over `POST /_fake/config`, `*_stats` read their counters.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from tools.local.emulator import free_port

REPO_ROOT = Path(__file__).resolve().parents[2]
REPLICATE_TOKEN = "r8_fake-e2e-token"
OPENAI_KEY = "sk-fake-e2e-key"


@dataclass
class FakeServer:
    module: str
    url: str
    process: subprocess.Popen[bytes]

    def configure(self, **changes: Any) -> dict[str, Any]:
        response = httpx.post(f"{self.url}/_fake/config", json=changes, timeout=10)
        response.raise_for_status()
        result: dict[str, Any] = response.json()
        return result

    def stats(self) -> dict[str, Any]:
        result: dict[str, Any] = httpx.get(f"{self.url}/_fake/stats", timeout=10).json()
        return result

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


@dataclass
class FakeProviders:
    replicate: FakeServer
    openai: FakeServer

    def env(self) -> dict[str, str]:
        """The stack's whole provider configuration: keys and base URLs (OpenAI's SDK wants the /v1 root)."""
        return {
            "REPLICATE_API_TOKEN": REPLICATE_TOKEN,
            "REPLICATE_BASE_URL": self.replicate.url,
            "OPENAI_API_KEY": OPENAI_KEY,
            "OPENAI_BASE_URL": f"{self.openai.url}/v1",
        }

    def veo_creates(self) -> int:
        return int(self.replicate.stats()["creates"].get("google/veo-3.1", 0))


def start_fake(module: str, token: str, *, log_path: Path, timeout_s: float = 30) -> FakeServer:
    """Starts `python -m <module> --port N --token T` and waits until its stats answer."""
    port = free_port()
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", module, "--port", str(port), "--token", token],
            cwd=REPO_ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    server = FakeServer(module, f"http://127.0.0.1:{port}", process)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{module} exited early:\n{log_path.read_text()[-2000:]}")
        try:
            server.stats()
            return server
        except httpx.TransportError:
            time.sleep(0.1)
    server.stop()
    raise TimeoutError(f"{module} did not answer within {timeout_s}s")


@contextmanager
def running_fakes(log_dir: Path) -> Iterator[FakeProviders]:
    """Both fakes as processes for the duration of the block."""
    replicate = start_fake("tests.fakes.replicate_server", REPLICATE_TOKEN, log_path=log_dir / "fake-replicate.log")
    try:
        openai = start_fake("tests.fakes.openai_server", OPENAI_KEY, log_path=log_dir / "fake-openai.log")
    except BaseException:
        replicate.stop()
        raise
    try:
        yield FakeProviders(replicate, openai)
    finally:
        openai.stop()
        replicate.stop()

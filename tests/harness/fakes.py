"""The fake paid providers as processes on free ports, for whole-stack tests and benchmarks.

Two flavours of the same pair: `running_fakes` (the fake Replicate and OpenAI servers, for e2e tests and
the bench) and `start_fake_providers` (the scripted Replicate the chaos scenarios steer, with the same
OpenAI fake). `FakeProviders.env()` is all the stack needs to use them (keys and base URLs, nothing else);
each server is scripted over `POST /_fake/config` and counts over `GET /_fake/stats`.
"""

from __future__ import annotations

import subprocess
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from shared.config import Settings
from tests.harness.processes import free_port, python_module, spawn_until_ready, stop_process

REPLICATE_TOKEN = "r8_fake-e2e-token"
SCRIPTED_REPLICATE_TOKEN = "test-token"  # the scripted Replicate's built-in token
OPENAI_KEY = "sk-fake-e2e-key"


@dataclass
class FakeServer:
    module: str
    url: str
    token: str
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
        stop_process(self.process)


@dataclass
class FakeProviders:
    replicate: FakeServer
    openai: FakeServer

    def env(self) -> dict[str, str]:
        """The stack's whole provider configuration: keys and base URLs (OpenAI's SDK wants the /v1 root)."""
        return {
            "REPLICATE_API_TOKEN": self.replicate.token,
            "REPLICATE_BASE_URL": self.replicate.url,
            "OPENAI_API_KEY": self.openai.token,
            "OPENAI_BASE_URL": f"{self.openai.url}/v1",
        }

    def veo_creates(self) -> int:
        return int(self.replicate.stats()["creates"].get(Settings().video_model, 0))

    def stats(self) -> dict[str, Any]:
        """Paid calls so far: creates per model, speech requests (`tts`) and cancels."""
        replicate, openai = self.replicate.stats(), self.openai.stats()
        return {**replicate["creates"], "tts": openai["spoken"], "cancels": replicate["cancels"]}

    def spoken_takes(self) -> Counter[tuple[str, float]]:
        """How often each text was sent to the speech model at each speed (each prediction is paid)."""
        stats = self.replicate.stats()
        return Counter(zip(stats["texts"], (round(speed, 6) for speed in stats["speeds"]), strict=True))

    def configure(self, *, replicate: dict[str, Any] | None = None, openai: dict[str, Any] | None = None) -> None:
        for server, changes in ((self.replicate, replicate), (self.openai, openai)):
            if changes:
                server.configure(**changes)

    def stop(self) -> None:
        for server in (self.openai, self.replicate):
            server.stop()


def start_fake(module: str, token: str, *args: str, log_path: Path, timeout_s: float = 30) -> FakeServer:
    """Starts `python -m <module> --port N ARGS…` and waits until its stats answer."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"

    def answers() -> bool:
        try:
            return httpx.get(f"{url}/_fake/stats", timeout=2).status_code == 200
        except httpx.TransportError:
            return False

    argv = python_module(module, "--port", str(port), *args)
    return FakeServer(
        module, url, token, spawn_until_ready(argv, log_path=log_path, ready=answers, timeout_s=timeout_s)
    )


def _pair(replicate: tuple[str, str, list[str]], log_dir: Path) -> FakeProviders:
    module, token, args = replicate
    started = start_fake(module, token, *args, log_path=log_dir / "fake-replicate.log")
    try:
        openai = start_fake(
            "tests.fakes.openai_server", OPENAI_KEY, "--token", OPENAI_KEY, log_path=log_dir / "fake-openai.log"
        )
    except BaseException:
        started.stop()
        raise
    return FakeProviders(started, openai)


@contextmanager
def running_fakes(log_dir: Path) -> Iterator[FakeProviders]:
    """The fake Replicate and OpenAI servers as processes for the duration of the block."""
    fakes = _pair(("tests.fakes.replicate_server", REPLICATE_TOKEN, ["--token", REPLICATE_TOKEN]), log_dir)
    try:
        yield fakes
    finally:
        fakes.stop()


def start_fake_providers(log_dir: Path, *, latency_s: float = 0.05) -> FakeProviders:
    """The scripted Replicate (chaos) and the OpenAI fake; the caller stops them."""
    scripted = ("tests.chaos.scripted_replicate", SCRIPTED_REPLICATE_TOKEN, ["--latency-s", str(latency_s)])
    return _pair(scripted, log_dir)

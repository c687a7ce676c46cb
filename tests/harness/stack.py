"""The whole local stack (`python -m tools.local.stack up`) as real processes, for e2e, chaos and bench."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import boto3
import httpx

from tests.harness.processes import free_port, python_module, spawn_until_ready, stop_process


@dataclass
class RunningStack:
    url: str
    api_key: str
    env: dict[str, str]
    state_dir: Path
    log_path: Path
    process: subprocess.Popen[bytes]

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, headers={"Authorization": f"Bearer {self.api_key}"}, timeout=30)

    def aws(self, service: str) -> object:
        """A boto3 client for the stack's emulator."""
        endpoint = self.env["AWS_ENDPOINT_URL_DYNAMODB" if service == "dynamodb" else "AWS_ENDPOINT_URL"]
        return boto3.client(
            service,
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id=self.env["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=self.env["AWS_SECRET_ACCESS_KEY"],
        )

    def log_tail(self, chars: int = 4000) -> str:
        return self.log_path.read_text(errors="replace")[-chars:]

    def stop(self, timeout_s: float = 40) -> None:
        stop_process(self.process, timeout_s=timeout_s, signum=signal.SIGINT)


def launcher_env(
    state_dir: Path, port: int, *, api_key: str, user_id: str, env: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The launcher's environment: this process's minus any AWS/PharmaGen settings, plus the stack's own."""
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "PHARMAGEN_"))},
        "PHARMAGEN_PORT": str(port),
        "PHARMAGEN_API_KEYS": f"{api_key}:{user_id}",
        "PHARMAGEN_API_KEY": api_key,
        "PHARMAGEN_WORKDIR": str(state_dir / "work"),
        **(env or {}),
    }


def launcher_argv(state_dir: Path, scale: Mapping[str, int] | None = None, *extra: str) -> list[str]:
    argv = python_module("tools.local.stack", "up", "--state-dir", str(state_dir), *extra)
    for name, count in (scale or {}).items():
        argv += ["--scale", f"{name}={count}"]
    return argv


def start_stack(
    state_dir: Path,
    *,
    env: Mapping[str, str] | None = None,
    scale: Mapping[str, int] | None = None,
    api_key: str = "e2e-key-0123456789",
    user_id: str = "e2e-user",
    timeout_s: float = 90,
) -> RunningStack:
    """Brings the stack up on free ports and waits until the gateway answers /health."""
    state_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    full_env = launcher_env(state_dir, port, api_key=api_key, user_id=user_id, env=env)
    url = f"http://127.0.0.1:{port}"

    def up() -> bool:
        if not (state_dir / "stack.env").exists():
            return False
        try:
            return httpx.get(f"{url}/health", timeout=1).status_code == 200
        except httpx.TransportError:
            return False

    log_path = state_dir / "stack.log"
    process = spawn_until_ready(
        launcher_argv(state_dir, scale), log_path=log_path, ready=up, timeout_s=timeout_s, env=full_env
    )
    stack_env = dict(line.split("=", 1) for line in (state_dir / "stack.env").read_text().splitlines() if "=" in line)
    return RunningStack(url, api_key, stack_env, state_dir, log_path, process)


@contextmanager
def running_stack(
    state_dir: Path, *, env: Mapping[str, str] | None = None, scale: Mapping[str, int] | None = None
) -> Iterator[RunningStack]:
    """`start_stack` for a `with` block (or a fixture's yield): the stack is stopped however the block ends."""
    running = start_stack(state_dir, env=env, scale=scale)
    try:
        yield running
    finally:
        running.stop()


def wait_until_ended(client: httpx.Client, job_id: str, timeout_s: float = 240) -> dict[str, object]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        job: dict[str, object] = client.get(f"/api/v1/jobs/{job_id}").json()
        if job["status"] in {"completed", "failed", "cancelled"}:
            return job
        time.sleep(0.5)
    raise AssertionError(f"job {job_id} did not end within {timeout_s}s")

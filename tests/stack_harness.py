"""Start and stop the whole local stack (`python -m tools.local.stack up`) as processes, for e2e and chaos tests."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import boto3
import httpx

from tools.local.emulator import free_port

REPO_ROOT = Path(__file__).resolve().parents[1]


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
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                self.process.kill()


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
    argv = [sys.executable, "-m", "tools.local.stack", "up", "--state-dir", str(state_dir), *extra]
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
    port = free_port()
    full_env = launcher_env(state_dir, port, api_key=api_key, user_id=user_id, env=env)
    log_path = state_dir / "stack.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            launcher_argv(state_dir, scale), cwd=REPO_ROOT, env=full_env, stdout=log, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout_s
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"the stack exited early:\n{log_path.read_text()[-3000:]}")
        if (state_dir / "stack.env").exists():
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
        if time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"the stack did not come up:\n{log_path.read_text()[-3000:]}")
        time.sleep(0.2)
    stack_env = dict(line.split("=", 1) for line in (state_dir / "stack.env").read_text().splitlines() if "=" in line)
    return RunningStack(url, api_key, stack_env, state_dir, log_path, process)


def wait_for(condition: Callable[[], object], *, timeout_s: float, what: str, every_s: float = 0.2) -> None:
    """Polls `condition` until it holds; fails naming `what` when it does not within `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout_s:.0f}s")
        time.sleep(every_s)


@dataclass(frozen=True)
class ProcessId:
    """A pid with its start time, so a recycled pid is not mistaken for the process it names."""

    pid: int
    started: int
    cmdline: str

    @classmethod
    def read(cls, pid: int) -> ProcessId | None:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            return None
        fields = stat[stat.rindex(")") + 2 :].split()
        return cls(pid, int(fields[19]), cmdline.strip())

    def alive(self) -> bool:
        """True while the process runs (a zombie waiting for its reaper counts as gone)."""
        try:
            stat = Path(f"/proc/{self.pid}/stat").read_text()
        except OSError:
            return False
        fields = stat[stat.rindex(")") + 2 :].split()
        return fields[0] != "Z" and int(fields[19]) == self.started


def descendants(pid: int) -> list[ProcessId]:
    """Every live process under `pid` (children, their children…), read from /proc."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents.setdefault(int(stat[stat.rindex(")") + 2 :].split()[1]), []).append(int(entry.name))
    found: list[ProcessId] = []
    todo = list(parents.get(pid, []))
    while todo:
        child = todo.pop()
        if (known := ProcessId.read(child)) is not None and known.alive():
            found.append(known)
        todo += parents.get(child, [])
    return found


def wait_until_ended(client: httpx.Client, job_id: str, timeout_s: float = 240) -> dict[str, object]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        job: dict[str, object] = client.get(f"/api/v1/jobs/{job_id}").json()
        if job["status"] in {"completed", "failed", "cancelled"}:
            return job
        time.sleep(0.5)
    raise AssertionError(f"job {job_id} did not end within {timeout_s}s")

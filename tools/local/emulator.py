"""The local AWS: moto server processes on loopback, started and stopped by the project.

Two processes: one serves SNS, SQS, S3 and Secrets Manager
together (SNS→SQS delivery only works inside one process), a second serves DynamoDB.
Code reaches them only through `AWS_ENDPOINT_URL` / `AWS_ENDPOINT_URL_DYNAMODB`.
Run one by hand with `python -m tools.local.emulator --port 4566`.
"""

from __future__ import annotations

import argparse
import logging
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tools.local.children import die_with_parent

DUMMY_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_REGION": "us-east-1",
    "AWS_DEFAULT_REGION": "us-east-1",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_ready(url: str, proc: subprocess.Popen[bytes], timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the emulator at {url} exited with {proc.returncode} before it was ready")
        try:
            with urllib.request.urlopen(f"{url}/moto-api/data.json", timeout=1):  # noqa: S310 (loopback)
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"the emulator at {url} was not ready within {timeout_s:.0f}s")


@dataclass
class Emulator:
    endpoint_url: str
    dynamodb_endpoint_url: str
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def env(self) -> dict[str, str]:
        """Environment for a process that should talk to this emulator."""
        return {
            **DUMMY_CREDENTIALS,
            "AWS_ENDPOINT_URL": self.endpoint_url,
            "AWS_ENDPOINT_URL_DYNAMODB": self.dynamodb_endpoint_url,
        }

    def reset(self) -> None:
        for url in (self.endpoint_url, self.dynamodb_endpoint_url):
            request = urllib.request.Request(f"{url}/moto-api/reset", method="POST")  # noqa: S310
            with urllib.request.urlopen(request, timeout=10):  # noqa: S310 (loopback)
                pass

    def stop(self) -> None:
        for proc in self.processes:
            proc.terminate()
        for proc in self.processes:
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self.processes.clear()


def _spawn(port: int, log_path: Path | None, *, serialize: bool = False) -> subprocess.Popen[bytes]:
    out = log_path.open("ab") if log_path else subprocess.DEVNULL
    return subprocess.Popen(
        [sys.executable, "-m", "tools.local.emulator", "--port", str(port), *(["--serialize"] if serialize else [])],
        stdout=out,
        stderr=subprocess.STDOUT,
        env={**os.environ, "MOTO_IAM_LOAD_MANAGED_POLICIES": "false"},
        start_new_session=True,  # Ctrl-C in the launcher's terminal is handled by the launcher
        preexec_fn=die_with_parent(),  # noqa: PLW1509 (prctl and getppid only) a killed parent leaves no moto
    )


def start_emulator(
    *, port: int | None = None, dynamodb_port: int | None = None, log_dir: Path | None = None, timeout_s: float = 30.0
) -> Emulator:
    port = port or free_port()
    dynamodb_port = dynamodb_port or free_port()
    if log_dir:
        log_dir.mkdir(parents=True, exist_ok=True)
    emulator = Emulator(f"http://127.0.0.1:{port}", f"http://127.0.0.1:{dynamodb_port}")
    for p, name in ((port, "moto"), (dynamodb_port, "moto-dynamodb")):
        log_path = log_dir / f"{name}.log" if log_dir else None
        emulator.processes.append(_spawn(p, log_path, serialize=name == "moto-dynamodb"))
    try:
        for proc, url in zip(emulator.processes, (emulator.endpoint_url, emulator.dynamodb_endpoint_url), strict=True):
            _wait_ready(url, proc, timeout_s)
    except BaseException:
        emulator.stop()
        raise
    return emulator


@contextmanager
def running_emulator(**kwargs: object) -> Iterator[Emulator]:
    emulator = start_emulator(**kwargs)  # type: ignore[arg-type]
    try:
        yield emulator
    finally:
        emulator.stop()


class _OneRequestAtATime:
    """WSGI wrapper that answers one request at a time.

    moto's DynamoDB checks a condition and then writes with no lock, so two concurrent conditional
    updates of one item could both pass (two owners claiming one stage). Real DynamoDB applies each
    item write atomically; serialising the DynamoDB process restores that. Not for the SQS process,
    whose long polls would block everyone.
    """

    def __init__(self, app: Any) -> None:
        self.app = app
        self.lock = threading.Lock()

    def __call__(self, environ: Any, start_response: Any) -> list[bytes]:
        with self.lock:
            return list(self.app(environ, start_response))


def serve(port: int, host: str = "127.0.0.1", *, serialize: bool = False) -> None:
    """Run one moto server in this process, without its per-request log lines (they cost throughput)."""
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
    from werkzeug.serving import run_simple

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    os.environ.setdefault("MOTO_PORT", str(port))  # as moto's own entry point does: it builds some URLs from it
    app = DomainDispatcherApplication(create_backend_app)
    run_simple(
        host,
        port,
        _OneRequestAtATime(app) if serialize else app,
        threaded=True,
        request_handler=MotoRequestHandler,
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=4566)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--serialize", action="store_true", help="answer one request at a time (DynamoDB)")
    args = parser.parse_args()
    serve(args.port, args.host, serialize=args.serialize)

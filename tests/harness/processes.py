"""Process plumbing the harness shares: start a module and wait until it answers, stop it, wait on a condition,
and read from /proc which processes live (a pid with its start time, so a recycled pid is not mistaken)."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from tools.local.children import die_with_parent
from tools.local.emulator import free_port

REPO_ROOT = Path(__file__).resolve().parents[2]

__all__ = [
    "REPO_ROOT",
    "ProcessId",
    "children_of",
    "descendants",
    "free_port",
    "python_module",
    "spawn_until_ready",
    "stop_process",
    "wait_for",
]


def wait_for(condition: Callable[[], object], *, timeout_s: float, what: str, every_s: float = 0.2) -> None:
    """Polls `condition` until it holds; fails naming `what` when it does not within `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout_s:.0f}s")
        time.sleep(every_s)


def spawn_until_ready(
    argv: Sequence[str],
    *,
    log_path: Path,
    ready: Callable[[], bool],
    timeout_s: float,
    env: Mapping[str, str] | None = None,
) -> subprocess.Popen[bytes]:
    """Starts `argv` from the repository root, output to `log_path`, and returns once `ready()` holds.

    Fails with the log's tail when the process exits first or is not ready in time (then it is killed).
    It gets SIGTERM when the test run dies, even by SIGKILL, so an interrupted run leaves no stack behind
    (call it from the thread that lives as long as the process should: the signal follows the forking thread).
    """
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [*argv], cwd=REPO_ROOT, env=None if env is None else dict(env), stdout=log, stderr=subprocess.STDOUT,
            preexec_fn=die_with_parent(),  # noqa: PLW1509 (prctl and getppid only)
        )  # fmt: skip
    deadline = time.monotonic() + timeout_s
    while not ready():
        if process.poll() is not None:
            raise RuntimeError(f"{argv[2:4]} exited with {process.returncode}:\n{log_path.read_text()[-3000:]}")
        if time.monotonic() > deadline:
            stop_process(process, timeout_s=5)
            raise TimeoutError(f"{argv[2:4]} not ready within {timeout_s:.0f}s:\n{log_path.read_text()[-3000:]}")
        time.sleep(0.1)
    return process


def stop_process(process: subprocess.Popen[bytes], *, timeout_s: float = 10, signum: int = signal.SIGTERM) -> None:
    """Asks the process to stop (`signum`), then kills it if it has not within `timeout_s`."""
    if process.poll() is None:
        process.send_signal(signum)
        try:
            process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def python_module(module: str, *args: str) -> list[str]:
    return [sys.executable, "-m", module, *args]


def _stat_fields(pid: int) -> list[str] | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat[stat.rindex(")") + 2 :].split()  # after "pid (comm) ": state, ppid, …


@dataclass(frozen=True)
class ProcessId:
    """A pid with its start time, so a recycled pid is not mistaken for the process it names."""

    pid: int
    started: int
    cmdline: str

    @classmethod
    def read(cls, pid: int) -> ProcessId | None:
        fields = _stat_fields(pid)
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            return None
        return None if fields is None else cls(pid, int(fields[19]), cmdline.strip())

    def alive(self) -> bool:
        """True while the process runs (a zombie waiting for its reaper counts as gone)."""
        fields = _stat_fields(self.pid)
        return fields is not None and fields[0] != "Z" and int(fields[19]) == self.started


def children_of(pid: int) -> list[int]:
    """The pids whose parent is `pid` now."""
    return [
        int(entry.name)
        for entry in Path("/proc").iterdir()
        if entry.name.isdigit() and (fields := _stat_fields(int(entry.name))) is not None and int(fields[1]) == pid
    ]


def descendants(pid: int) -> list[ProcessId]:
    """Every live process under `pid` (children, their children…), read from /proc."""
    found: list[ProcessId] = []
    todo = children_of(pid)
    while todo:
        child = todo.pop()
        if (known := ProcessId.read(child)) is not None and known.alive():
            found.append(known)
        todo += children_of(child)
    return found

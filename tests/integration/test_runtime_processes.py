"""The runtime in real worker processes: a crash mid-run loses nothing, and SIGTERM lets the work finish."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from shared.config import Settings
from shared.queue import Queue
from tests.harness.processes import REPO_ROOT
from tests.harness.runtime import Harness, eventually, harness, isolated_settings
from tools.local.emulator import Emulator

pytestmark = pytest.mark.integration


class WorkerProcesses:
    """Starts `tests.integration.worker_process` subprocesses against one isolated topology."""

    def __init__(self, emulator: Emulator, settings: Settings, record_dir: Path) -> None:
        self.record_dir = record_dir
        self.env = {
            **os.environ,
            **emulator.env(),
            "PHARMAGEN_RESOURCE_PREFIX": settings.resource_prefix,
            "PHARMAGEN_LEASE_S": str(settings.lease_s),
            "PHARMAGEN_HEARTBEAT_EVERY_S": str(settings.heartbeat_every_s),
            "PHARMAGEN_POLL_WAIT_S": str(settings.poll_wait_s),
            "PHARMAGEN_RETRY_BASE_S": str(settings.retry_base_s),
            "PHARMAGEN_WORKDIR": str(record_dir / "work"),
            "PHARMAGEN_LOG_FORMAT": "console",
            "PHARMAGEN_TEST_RECORD_DIR": str(record_dir),
        }
        self.started: list[subprocess.Popen[bytes]] = []

    def start(self, stage_name: str, behaviour: str, **env: str) -> subprocess.Popen[bytes]:
        proc = subprocess.Popen(
            [sys.executable, "-m", "tests.integration.worker_process", "--stage", stage_name, "--behaviour", behaviour],
            cwd=REPO_ROOT,
            env={**self.env, **env},
            stdout=subprocess.DEVNULL,
            stderr=(self.record_dir / f"worker-{len(self.started)}.log").open("wb"),
        )
        self.started.append(proc)
        return proc

    def marked(self, proc: subprocess.Popen[bytes], what: str, job_id: str) -> bool:
        return (self.record_dir / f"{proc.pid}.{what}.{job_id}").exists()

    async def wait_marked(self, proc: subprocess.Popen[bytes], what: str, job_id: str, timeout_s: float = 20) -> float:
        deadline = time.monotonic() + timeout_s
        while not self.marked(proc, what, job_id):
            assert proc.poll() is None, f"worker exited with {proc.returncode}"
            assert time.monotonic() < deadline, f"worker never marked {what}"
            await asyncio.sleep(0.05)
        return time.monotonic()

    async def wait_ready(self, proc: subprocess.Popen[bytes], timeout_s: float = 20) -> None:
        log = self.record_dir / f"worker-{self.started.index(proc)}.log"
        deadline = time.monotonic() + timeout_s
        while "worker.started" not in log.read_text(encoding="utf-8", errors="replace"):
            assert proc.poll() is None, f"worker exited with {proc.returncode}"
            assert time.monotonic() < deadline, "worker never started"
            await asyncio.sleep(0.05)

    def stop_all(self) -> None:
        for proc in self.started:
            if proc.poll() is None:
                proc.kill()
            proc.wait()


async def _lease_moved_on(h: Harness, job_id: str, claimed: float) -> bool:
    """A heartbeat extended the stage's lease past where the claim set it."""
    return ((await h.job(job_id)).stage("script").lease_expires_at or 0) > claimed


@pytest.fixture
def isolated(settings: Settings) -> Settings:
    return isolated_settings(settings)


@pytest.fixture
def workers(emulator: Emulator, isolated: Settings, tmp_path: Path) -> Iterator[WorkerProcesses]:
    processes = WorkerProcesses(emulator, isolated, tmp_path)
    yield processes
    processes.stop_all()


async def test_a_worker_killed_mid_run_has_its_job_finished_by_another_process(
    isolated: Settings, workers: WorkerProcesses
):
    async with harness(isolated) as h:
        job = await h.new_job()
        doomed = workers.start("script", "slow")
        await h.submit(job)
        await workers.wait_marked(doomed, "started", job.job_id)
        rescuer = workers.start("script", "ok")
        await workers.wait_ready(rescuer)  # already polling when the message comes back
        # Past the first heartbeat: the message is now held for the 2 s lease only.
        claimed = (await h.job(job.job_id)).stage("script").lease_expires_at or 0
        await eventually(lambda: _lease_moved_on(h, job.job_id, claimed))

        doomed.send_signal(signal.SIGKILL)
        doomed.wait()

        done = await h.wait_job(job.job_id, lambda j: j.stage("script").status == "succeeded", timeout_s=30)
        assert workers.marked(rescuer, "finished", job.job_id)
        assert not workers.marked(doomed, "finished", job.job_id)
        assert f":{rescuer.pid}:" in (done.stage("script").owner or "")
        assert done.stage("script").attempts == 2
        script_queue = await h.stage_queue("script")
        await eventually(lambda: _is_empty(h, script_queue))
        assert await h.depth(await h.dead_letters("script")) == (0, 0)


async def _is_empty(h: Harness, queue: Queue) -> bool:
    depth: tuple[int, int] = await h.depth(queue)
    return depth == (0, 0)


async def test_sigterm_lets_the_running_handler_finish_and_the_process_exit_cleanly(
    isolated: Settings, workers: WorkerProcesses
):
    async with harness(isolated) as h:
        job = await h.new_job()
        worker = workers.start("script", "slow", PHARMAGEN_TEST_SLOW_S="2")
        await h.submit(job)
        await workers.wait_marked(worker, "started", job.job_id)

        worker.send_signal(signal.SIGTERM)
        signalled_at = time.monotonic()
        exit_code = await asyncio.to_thread(worker.wait, 20)

        assert exit_code == 0
        assert time.monotonic() - signalled_at > 1.0  # it waited for the handler, it did not just die
        assert workers.marked(worker, "finished", job.job_id)
        assert (await h.job(job.job_id)).stage("script").status == "succeeded"
        assert await _is_empty(h, await h.stage_queue("script"))

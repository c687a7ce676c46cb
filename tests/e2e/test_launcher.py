"""`make run` tells the truth: the key it prints works, a failed demo is said and fails the run, and a killed
launcher leaves no process behind. The launcher runs as a real process tree; /proc tells what survives."""

from __future__ import annotations

import re
import signal
import subprocess
from pathlib import Path

import httpx
import pytest

from tests.harness.fakes import running_fakes
from tests.harness.processes import REPO_ROOT, descendants, wait_for
from tests.harness.stack import launcher_argv, launcher_env, start_stack
from tools.local.emulator import free_port
from tools.local.stack import plan_services

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

SERVICES = len(plan_services({}))  # one process per stage service and the gateway, beside the two moto servers


def printed_key(log: str) -> str:
    found = re.search(r"PharmaGen is up: web page \S+ +API key (\S+)", log)
    assert found, log[-2000:]
    return found.group(1)


def test_with_api_keys_configured_the_printed_key_is_accepted_by_the_gateway(tmp_path: Path) -> None:
    running = start_stack(tmp_path, api_key="configured-key-1", env={"PHARMAGEN_API_KEY": ""})
    try:
        wait_for(lambda: "PharmaGen is up" in running.log_path.read_text(), timeout_s=30, what="the banner")
        key = printed_key(running.log_path.read_text())
        assert key == "configured-key-1"
        assert running.env["PHARMAGEN_API_KEY"] == key
        answered = httpx.get(f"{running.url}/api/v1/jobs", headers={"Authorization": f"Bearer {key}"}, timeout=10)
        assert answered.status_code == 200, answered.text
        refused = httpx.get(f"{running.url}/api/v1/jobs", headers={"Authorization": "Bearer pg_dev_x"}, timeout=10)
        assert refused.status_code == 401  # what the old invented key earned the demo
    finally:
        running.stop()


def test_a_sigkilled_launcher_leaves_no_moto_or_service_process_behind(tmp_path: Path) -> None:
    running = start_stack(tmp_path)
    children = descendants(running.process.pid)
    try:
        assert sum("tools.local.emulator" in c.cmdline for c in children) == 2, [c.cmdline for c in children]
        assert sum("services." in c.cmdline for c in children) == SERVICES, [c.cmdline for c in children]
        running.process.send_signal(signal.SIGTERM)  # the sequence that used to orphan both moto servers
        wait_for(lambda: "Stopping the stack" in running.log_path.read_text(), timeout_s=10, what="the stop began")
        running.process.kill()
        running.process.wait(timeout=10)
        wait_for(
            lambda: not any(c.alive() for c in children),
            timeout_s=60,
            what=f"every child gone; alive: {[c.cmdline for c in children if c.alive()]}",
        )
        with pytest.raises(httpx.TransportError):
            httpx.get(f"{running.env['AWS_ENDPOINT_URL']}/moto-api/data.json", timeout=2)
    finally:
        for child in children:
            if child.alive():
                subprocess.run(["kill", "-9", str(child.pid)], check=False)


def test_a_failed_demo_job_is_reported_with_its_reason_and_fails_the_run(tmp_path: Path) -> None:
    (tmp_path / "fakes").mkdir()
    with running_fakes(tmp_path / "fakes") as fakes:
        # The fake script's scenes all happen in a kitchen: the keyframes stage is the first to send a scene's
        # picture to a model (the image model), so the refusal fails the job there, before any video is paid.
        fakes.replicate.configure(sensitive_words=["kitchen"])
        env = launcher_env(tmp_path, free_port(), api_key="demo-key-0123", user_id="demo", env=fakes.env())
        argv = launcher_argv(tmp_path, None, "--demo", "--out", str(tmp_path / "out"))
        launcher = subprocess.Popen(argv, cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        try:
            output, _ = launcher.communicate(timeout=240)
        finally:
            if launcher.poll() is None:
                launcher.kill()
    log = output.decode(errors="replace")
    assert launcher.returncode == 1, log[-3000:]
    failure = re.search(r"demo: FAILED — the demo job \S+ ended failed at keyframes: (.+)", log)
    assert failure, log[-3000:]
    assert "content policy" in failure.group(1)
    assert not (tmp_path / "out" / "demo-ad.mp4").exists()

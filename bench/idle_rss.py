"""Idle memory of each stage service: resident set size after start-up, while long-polling an empty queue.

Goal: under 120 MB for every non-composer stage. Run: .venv/bin/python -m bench.idle_rss
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from shared.config import Settings
from shared.topology import STAGES
from tools.local.bootstrap import bootstrap
from tools.local.emulator import start_emulator

GOAL_MB = 120.0
SETTLE_S = 8.0


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def main() -> None:
    with tempfile.TemporaryDirectory() as state:
        emulator = start_emulator(log_dir=Path(state))
        try:
            env = {**os.environ, **emulator.env(), "PHARMAGEN_LOG_LEVEL": "WARNING"}
            os.environ.update(emulator.env())
            bootstrap(Settings())
            procs = {
                s.name: subprocess.Popen([sys.executable, "-m", s.service_module], env=env, stdout=subprocess.DEVNULL)
                for s in STAGES
            }
            time.sleep(SETTLE_S)
            print(f"{'service':<12} {'idle RSS':>9}   goal < {GOAL_MB:.0f} MB (composer exempt)")
            for name, proc in procs.items():
                mb = rss_mb(proc.pid)
                verdict = "n/a" if name == "composer" else ("ok" if mb < GOAL_MB else "OVER")
                print(f"{name:<12} {mb:7.1f} MB  ratio {mb / GOAL_MB:.2f}  {verdict}")
            for proc in procs.values():
                proc.terminate()
            for proc in procs.values():
                proc.wait(timeout=30)
        finally:
            emulator.stop()


if __name__ == "__main__":
    main()

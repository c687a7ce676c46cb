"""Worker liveness for container health checks: the worker touches a file; the check reads its age.

A worker answers no port, so "alive" means "its event loop ran recently": the worker touches
the file every 15 s, busy or idle. A loop wedged for longer than `MAX_AGE_S` fails the check
and the task is restarted.
Check: `python -m shared.liveness` (exit 0 alive, 1 not).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from shared.config import Settings

MAX_AGE_S = 90.0


def liveness_file(settings: Settings) -> Path:
    return settings.workdir / "worker-alive"


def mark_alive(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch()


def is_alive(path: Path, *, now: float | None = None, max_age_s: float = MAX_AGE_S) -> bool:
    try:
        age_s = (now or time.time()) - path.stat().st_mtime
    except FileNotFoundError:
        return False
    return age_s <= max_age_s


if __name__ == "__main__":
    sys.exit(0 if is_alive(liveness_file(Settings())) else 1)

"""Runs terraform offline for the tests: providers only from the local mirror, state and data in temp dirs.

Skips (visibly) when terraform or the provider mirror is absent, so the suite still runs elsewhere.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
TERRAFORM_DIR = REPO / "terraform"
WRAPPER = REPO / "scripts" / "terraform-offline.sh"
ROOTS = ("envs/dev", "envs/prod", "envs/emulator")
MODULES = tuple(sorted(p.name for p in (TERRAFORM_DIR / "modules").iterdir() if p.is_dir()))


def require_offline_terraform() -> None:
    if shutil.which("terraform") is None:
        pytest.skip("terraform is not installed: terraform checks not run")
    found = subprocess.run([str(WRAPPER), "--mirror"], capture_output=True, text=True, check=False)
    if found.returncode != 0:
        pytest.skip(f"no offline provider mirror: {found.stderr.strip()}")


def terraform(
    chdir: Path, *args: str, data_dir: Path, env: dict[str, str] | None = None, timeout_s: float = 300
) -> subprocess.CompletedProcess[str]:
    """Run one terraform command in `chdir`, keeping .terraform in `data_dir` (out of the work tree)."""
    full_env = {**os.environ, "TF_DATA_DIR": str(data_dir), **(env or {})}
    return subprocess.run(
        [str(WRAPPER), f"-chdir={chdir}", *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout_s,
        check=False,
    )


def init(chdir: Path, data_dir: Path) -> None:
    done = terraform(chdir, "init", "-backend=false", "-input=false", "-no-color", data_dir=data_dir)
    assert done.returncode == 0, done.stdout + done.stderr


def show_plan_json(chdir: Path, plan_file: Path, data_dir: Path) -> dict[str, Any]:
    shown = terraform(chdir, "show", "-json", str(plan_file), data_dir=data_dir)
    assert shown.returncode == 0, shown.stderr
    plan: dict[str, Any] = json.loads(shown.stdout)
    return plan

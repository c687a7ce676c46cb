"""Fixtures shared by the test tiers: the moto emulator over real HTTP, settings pointed at it, a bootstrap."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from shared.config import Settings
from tools.local.bootstrap import Created, bootstrap
from tools.local.emulator import Emulator, start_emulator


@pytest.fixture(scope="session")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    """One emulator per test session (two moto processes on free loopback ports)."""
    emu = start_emulator(log_dir=tmp_path_factory.mktemp("emulator"))
    saved = {k: os.environ.get(k) for k in emu.env()}
    os.environ.update(emu.env())
    yield emu
    emu.stop()
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(scope="session")
def settings(emulator: Emulator, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(
        aws_endpoint_url=emulator.endpoint_url,
        aws_endpoint_url_dynamodb=emulator.dynamodb_endpoint_url,
        log_format="console",
        workdir=tmp_path_factory.mktemp("work"),
        script_provider="local",
        narration_provider="local",
        clips_provider="local",
        music_provider="local",
    )


@pytest.fixture(scope="session")
def aws(settings: Settings) -> Created:
    """The topology's resources, created once per session (the bootstrap is idempotent)."""
    return bootstrap(settings)

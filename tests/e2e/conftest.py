"""The whole local stack as real processes, shared by the end-to-end tests of a session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.harness.stack import RunningStack, running_stack


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    with running_stack(tmp_path_factory.mktemp("stack")) as running:
        yield running

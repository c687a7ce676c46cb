"""Terraform and checkov checks: their own tier (`make tf-validate`, and `make test`), out of `make test-unit`.

Every test here is marked `infra`, so `-m "not infra"` leaves them out of any run over `tests/`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.infra)

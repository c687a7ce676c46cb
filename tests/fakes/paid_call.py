"""The two arguments every paid provider method takes, for a test that calls one adapter directly."""

from __future__ import annotations

from typing import Any

from shared.providers.base import MemoryCheckpoints, never_cancelled


def first_run() -> dict[str, Any]:
    """A first delivery: empty checkpoints of its own, never cancelled."""
    return {"checkpoints": MemoryCheckpoints(), "cancelled": never_cancelled}

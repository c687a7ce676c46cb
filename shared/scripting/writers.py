"""Which script writer this deployment uses: the keyless planner, or the catalogue's model on Replicate."""

from __future__ import annotations

from datetime import date

from shared.config import Settings
from shared.providers.base import ScriptWriter
from shared.providers.selection import select


def script_writer(settings: Settings, *, today: date | None = None) -> ScriptWriter:
    """The adapter chosen by the one selection table (the SDK is imported only when the model is chosen)."""
    chosen = select("script", settings, today=today)
    if chosen.model is not None:
        from shared.scripting.llm import ReplicateScriptWriter

        return ReplicateScriptWriter(chosen.settings, chosen.model)
    from shared.scripting.planner import PlannerScriptWriter

    return PlannerScriptWriter(chosen.settings)

"""Chooses the script writer for this deployment: GPT-4o on Replicate when configured, else the local planner."""

from __future__ import annotations

from shared.config import Settings
from shared.providers.base import ScriptWriter
from shared.providers.secrets import with_provider_secrets
from shared.providers.selection import wants_real


def select_writer(settings: Settings) -> ScriptWriter:
    settings = with_provider_secrets(settings)
    key = settings.replicate_api_token
    if wants_real("script", settings.script_provider, real="replicate", key=key, key_setting="REPLICATE_API_TOKEN"):
        from services.script.gpt4o import Gpt4oScriptWriter

        return Gpt4oScriptWriter(settings)
    from services.script.local import PlannerScriptWriter

    return PlannerScriptWriter(settings)

"""Chooses the narrator for this deployment: OpenAI TTS when configured, else espeak-ng."""

from __future__ import annotations

from shared.config import Settings
from shared.providers.base import Narrator
from shared.providers.secrets import with_provider_secrets
from shared.providers.selection import wants_real


def select_narrator(settings: Settings) -> Narrator:
    settings = with_provider_secrets(settings)
    key = settings.openai_api_key
    if wants_real("narration", settings.narration_provider, real="openai", key=key, key_setting="OPENAI_API_KEY"):
        from services.narration.openai_tts import OpenAiNarrator

        return OpenAiNarrator(settings)
    from services.narration.local import EspeakNarrator

    return EspeakNarrator(settings)

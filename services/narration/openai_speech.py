"""OpenAI text-to-speech (`tts-1`, until its shutdown) as a `Narrator`: one request per segment, written to a file.

The SDK retries 429/5xx/timeouts itself (POST included, honouring `retry-after`): 3 attempts with
exponential backoff, 60 s each. After that a throttle or outage is transient; a refused key or
request is permanent. Cost is characters × the catalogue's rate.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import openai

from shared.config import Settings
from shared.errors import PermanentError, TransientError
from shared.ffmpeg import duration_s
from shared.providers.base import CancelCheck, Checkpoints, Spoken
from shared.providers.catalogue import Model, Usage

TTS1_VOICES = frozenset({"alloy", "ash", "coral", "echo", "fable", "onyx", "nova", "sage", "shimmer"})
ALL_VOICES = TTS1_VOICES | {"ballad", "verse", "marin", "cedar"}
DEFAULT_VOICE = "alloy"
_TIMEOUT_S = 60.0
_MAX_RETRIES = 2  # 3 attempts in all
AudioFormat = Literal["mp3", "wav"]


def voice_for(model: str, requested: str) -> str:
    """The requested voice when the model has it; otherwise the default (a local espeak voice name, say)."""
    allowed = TTS1_VOICES if model.startswith("tts-1") else ALL_VOICES
    return requested if requested in allowed else DEFAULT_VOICE


def format_for(out: Path) -> AudioFormat:
    return "wav" if out.suffix.lower() == ".wav" else "mp3"


def openai_client(settings: Settings) -> openai.AsyncOpenAI:
    if settings.openai_api_key is None:
        raise PermanentError("OpenAI TTS is selected but no OpenAI API key is configured")
    return openai.AsyncOpenAI(
        api_key=settings.openai_api_key.get_secret_value(),
        base_url=settings.openai_base_url or None,
        timeout=_TIMEOUT_S,
        max_retries=_MAX_RETRIES,
    )


def speech_request(model: str, text: str, *, voice: str, speed: float, out: Path) -> dict[str, Any]:
    """The `/v1/audio/speech` body for one line."""
    return {
        "model": model,
        "input": text,
        "voice": voice_for(model, voice),
        "speed": min(4.0, max(0.25, speed)),
        "response_format": format_for(out),
    }


class OpenAiNarrator:
    """Kept as an option until OpenAI's speech models shut down (the catalogue's date)."""

    def __init__(self, settings: Settings, model: Model, client: openai.AsyncOpenAI | None = None) -> None:
        self._settings = settings
        self._client = client or openai_client(settings)
        self._model = model
        self.model = model.name
        self.name = f"openai:{self.model}"

    async def speak(
        self, text: str, *, speed: float, voice: str, out: Path, checkpoints: Checkpoints, cancelled: CancelCheck
    ) -> Spoken:
        """One request per call; the handler checkpoints each spoken segment, and checks cancellation between them."""
        try:
            async with self._client.audio.speech.with_streaming_response.create(
                **speech_request(self.model, text, voice=voice, speed=speed, out=out)
            ) as response:
                await response.stream_to_file(out)
        except (openai.AuthenticationError, openai.PermissionDeniedError) as error:
            raise PermanentError(f"OpenAI refused the API key for speech ({error.status_code})") from error
        except openai.BadRequestError as error:
            raise PermanentError(f"OpenAI could not speak a narration line: {_message(error)}") from error
        except (openai.RateLimitError, openai.InternalServerError, openai.APIConnectionError) as error:
            raise TransientError(f"OpenAI speech is unavailable for now: {type(error).__name__}") from error
        cost = self._model.price.cost(Usage(chars=len(text)))
        return Spoken(duration_s=await duration_s(out), cost_usd=cost)


def _message(error: openai.APIStatusError) -> str:
    body = error.body
    if isinstance(body, dict) and isinstance(body.get("message"), str):
        return str(body["message"])[:300]
    return str(error)[:300]

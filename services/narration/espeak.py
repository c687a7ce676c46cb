"""The keyless narrator: espeak-ng speech, trimmed of its trailing silence so timings are what is heard."""

from __future__ import annotations

import array
import asyncio
import wave
from pathlib import Path

from shared.config import Settings
from shared.ffmpeg import run_tool
from shared.providers.base import CancelCheck, Checkpoints, Spoken

CALM_WPM = 150  # espeak-ng's nominal wpm at speed 1.0: a calm read (the narration stage measures and corrects)
_SILENCE_LEVEL = 300  # |sample| under this (about −40 dBFS) counts as silence
_KEEP_S = 0.02  # a few milliseconds of room around the speech so no consonant is clipped
_TIMEOUT_S = 60.0

# The request's voice names are OpenAI TTS voices; these are the espeak-ng voices that read closest.
VOICES: dict[str, str] = {
    "alloy": "en-us",
    "ash": "en-us+m3",
    "ballad": "en-gb+m2",
    "coral": "en-us+f2",
    "echo": "en-us+m1",
    "fable": "en-gb",
    "nova": "en-us+f3",
    "onyx": "en-us+m7",
    "sage": "en-us+f4",
    "shimmer": "en-us+f1",
    "verse": "en-us+m2",
}
DEFAULT_VOICE = "en-us"


def espeak_voice(name: str) -> str:
    """An espeak-ng voice for a request's voice name; unknown names read in the default voice."""
    return VOICES.get(name.strip().lower(), DEFAULT_VOICE)


def espeak_argv(*, speed: float, voice: str, out: Path) -> list[str]:
    """espeak-ng writing a WAV; the text goes in on stdin so nothing in it is read as an option."""
    return ["espeak-ng", "-v", espeak_voice(voice), "-s", str(round(CALM_WPM * speed)), "-w", str(out), "--stdin"]


def trim_silence(path: Path) -> float:
    """Cut leading and trailing silence from a 16-bit WAV in place; return its new duration in seconds."""
    with wave.open(str(path), "rb") as wav:
        params = wav.getparams()
        samples = array.array("h", wav.readframes(params.nframes))
    span = _loud_span(samples)
    if span is not None:
        keep = round(_KEEP_S * params.framerate) * params.nchannels
        samples = samples[max(0, span[0] - keep) : span[1] + keep + 1]
    with wave.open(str(path), "wb") as wav:
        wav.setparams(params)
        wav.writeframes(samples.tobytes())
    return len(samples) / params.nchannels / params.framerate


def _loud_span(samples: array.array[int]) -> tuple[int, int] | None:
    """The first and last loud sample indexes, scanning in from each end (silence at the edges is short)."""
    first = next((i for i, v in enumerate(samples) if abs(v) > _SILENCE_LEVEL), None)
    if first is None:
        return None
    last = next(i for i in range(len(samples) - 1, -1, -1) if abs(samples[i]) > _SILENCE_LEVEL)
    return first, last


class EspeakNarrator:
    """The fallback when the neural voice cannot load: robotic, but always there (a Debian package)."""

    name = "local:espeak-ng"

    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    async def speak(
        self, text: str, *, speed: float, voice: str, out: Path, checkpoints: Checkpoints, cancelled: CancelCheck
    ) -> Spoken:
        """Costs nothing, so neither checkpoints nor cancellation matter here."""
        await run_tool(espeak_argv(speed=speed, voice=voice, out=out), timeout_s=_TIMEOUT_S, stdin=text.encode())
        return Spoken(duration_s=await asyncio.to_thread(trim_silence, out))

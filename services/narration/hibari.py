"""The keyless narrator: hibari-tts's neural voice, whose weights ship inside the package (no download).

`heart` (American English, female; distilled from Kokoro-82M, Apache-2.0) is the one voice bundled in
the wheel: it is loaded from the package and any other voice is refused, so nothing is ever fetched at
run time. The per-segment `speed` goes to the model's own speed (0.5–2.0), which is how the safety
statement is read at its pace. Synthesis runs in a thread so the worker's heartbeats keep going;
leading and trailing silence is trimmed so timings are what is heard. Why this voice rather than
piper: docs/providers.md.
"""

from __future__ import annotations

import asyncio
import tempfile
import threading
from pathlib import Path
from typing import Any, Protocol

from services.narration.espeak import trim_silence
from shared.config import Settings
from shared.providers.base import CancelCheck, Checkpoints, Spoken

VOICE = "heart"
ENGINE = f"hibari-tts:{VOICE}"
MIN_SPEED, MAX_SPEED = 0.5, 2.0
_SEED = 7  # the same line always sounds the same


class NeuralVoiceUnavailable(RuntimeError):
    """The neural voice could not be loaded (package or weights missing, runtime broken)."""


class Synthesiser(Protocol):
    def save(self, text: str, path: str, speed: float = 1.0, seed: int | None = None) -> Any: ...


def load_voice(threads: int = 1) -> Synthesiser:
    """The bundled voice, from the installed package only; `NeuralVoiceUnavailable` when it cannot load."""
    try:
        from hibari import Hibari
        from hibari.voices import VOICES, voice_path

        if not VOICES[VOICE].get("bundled"):
            raise NeuralVoiceUnavailable(f"hibari's {VOICE} voice is not bundled in this version")
        model = voice_path(VOICE, download_missing=False)
        voice: Synthesiser = Hibari(voice=VOICE, model=model, threads=threads)
        with tempfile.TemporaryDirectory(prefix="voice-check-") as scratch:  # loads the G2P too: fail now, not later
            voice.save("Ready.", str(Path(scratch) / "ready.wav"), seed=_SEED)
    except NeuralVoiceUnavailable:
        raise
    except Exception as error:  # any failure to load means: use the fallback, and say why
        raise NeuralVoiceUnavailable(f"{type(error).__name__}: {error}") from error
    return voice


class HibariNarrator:
    name = f"local:{ENGINE}"

    def __init__(self, settings: Settings, voice: Synthesiser) -> None:
        self._settings = settings
        self._voice = voice
        self._lock = threading.Lock()  # one synthesis at a time per process: the model is not re-entrant

    async def speak(
        self, text: str, *, speed: float, voice: str, out: Path, checkpoints: Checkpoints, cancelled: CancelCheck
    ) -> Spoken:
        """Costs nothing, so neither checkpoints nor cancellation matter here; the request's voice name has
        no bundled counterpart, so every line is read in the one bundled voice."""
        pace = min(MAX_SPEED, max(MIN_SPEED, speed))
        seconds = await asyncio.to_thread(self._synthesise, text, pace, out)
        return Spoken(duration_s=seconds)

    def _synthesise(self, text: str, speed: float, out: Path) -> float:
        with self._lock:
            self._voice.save(text, str(out), speed=speed, seed=_SEED)
        return trim_silence(out)

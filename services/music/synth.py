"""The keyless music maker: a chord-loop track synthesised in the script's mood (no network, no cost)."""

from __future__ import annotations

import asyncio
import wave
from pathlib import Path

from services.music.moods import profile_for
from services.music.wavetable import SAMPLE_RATE, render_pcm
from shared.config import Settings
from shared.providers.base import CancelCheck, Checkpoints, Rendered
from shared.script import Script


def write_wav(pcm: bytes, out: Path, sample_rate: int = SAMPLE_RATE) -> None:
    with wave.open(str(out), "wb") as wav:
        wav.setnchannels(2)
        wav.setsampwidth(2)
        wav.setframerate(sample_rate)
        wav.writeframes(pcm)


class SynthMusicMaker:
    """Writes a stereo WAV of exactly `duration_s`; synthesis runs in a thread so heartbeats keep going."""

    name = "local"

    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    async def compose(
        self, script: Script, *, duration_s: float, out: Path, checkpoints: Checkpoints, cancelled: CancelCheck
    ) -> Rendered:
        profile = profile_for(script.music_mood)
        pcm = await asyncio.to_thread(render_pcm, profile, duration_s)
        await asyncio.to_thread(write_wav, pcm, out)
        return Rendered(duration_s=len(pcm) / 4 / SAMPLE_RATE)

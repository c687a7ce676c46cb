"""Minimax music-1.5 on Replicate as a `MusicMaker`: a song in the script's mood, fitted to the ad's length.

Minimax has no duration or instrumental switch and requires lyrics (10–600 chars). We send only
section tags and no words ("[intro]\\n[verse]\\n[chorus]\\n[outro]"), which asks for structure without
sung lines; the song is then cut (or looped) to length with a fade-out. Cost is per track.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from replicate.client import Client

from shared.config import Settings
from shared.ffmpeg import duration_s as measured_duration_s
from shared.ffmpeg import ffmpeg
from shared.providers.base import CancelCheck, Checkpoints, Rendered
from shared.providers.media_fit import fit_track_args
from shared.providers.replicate_client import replicate_client
from shared.providers.replicate_output import download_output
from shared.providers.replicate_runner import run_prediction
from shared.script import Script

INSTRUMENTAL_LYRICS = "[intro]\n[verse]\n[chorus]\n[outro]"
PROMPT_MIN_CHARS, PROMPT_MAX_CHARS = 10, 300
_DEADLINE_S = 300.0


def music_prompt(script: Script) -> str:
    """Mood and use in the model's 10–300 character window."""
    kind = "pharmaceutical TV" if script.ad_type == "pharmaceutical" else "TV"
    prompt = f"{script.music_mood} instrumental background music for a {kind} ad, no vocals: {script.title}"
    return prompt[:PROMPT_MAX_CHARS].ljust(PROMPT_MIN_CHARS, ".")


def music_input(script: Script) -> dict[str, Any]:
    return {"prompt": music_prompt(script), "lyrics": INSTRUMENTAL_LYRICS, "audio_format": "mp3"}


class MinimaxMusicMaker:
    def __init__(self, settings: Settings, client: Client | None = None) -> None:
        self._settings = settings
        self._client = client or replicate_client(settings)
        self.model = settings.music_model
        self.name = f"replicate:{self.model}"

    async def compose(
        self, script: Script, *, duration_s: float, out: Path, checkpoints: Checkpoints, cancelled: CancelCheck
    ) -> Rendered:
        state = await run_prediction(
            self._client, self.model, music_input(script),
            checkpoints=checkpoints, key="prediction-music", deadline_s=_DEADLINE_S,
            poll_s=self._settings.provider_poll_s, cancelled=cancelled, purpose="music track",
        )  # fmt: skip
        raw = out.with_name(f"{out.stem}.model.mp3")
        token = self._settings.replicate_api_token
        await download_output(state.output, raw, token=token.get_secret_value() if token else None)
        timeout_s = self._settings.ffmpeg_timeout_factor * duration_s + 30
        await ffmpeg(fit_track_args(raw, out, duration_s=duration_s), timeout_s=timeout_s)
        return Rendered(duration_s=await measured_duration_s(out), cost_usd=self._settings.prices.minimax_per_track)

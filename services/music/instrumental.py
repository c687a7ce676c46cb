"""Instrumental music models on Replicate as a `MusicMaker`: a track in the script's mood, of the ad's length.

Stable Audio 2.5 (the default) takes the length itself (`duration`, whole seconds); MiniMax Music 2.6
is asked for `is_instrumental` so no voice sings under the narrator. The model comes from the
catalogue, which names its input builder and price. The track is fitted (cut or looped, faded) to
the exact length afterwards. The prediction is checkpointed under a key made of the model and its
input, so only the same music resumes it (a revision with another mood makes a new one); a cancelled
job cancels it.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

from replicate.client import Client

from shared.config import Settings
from shared.ffmpeg import duration_s as measured_duration_s
from shared.ffmpeg import ffmpeg
from shared.providers.base import CancelCheck, Checkpoints, Rendered
from shared.providers.catalogue import Model, Usage
from shared.providers.media_fit import fit_track_args
from shared.providers.replicate_client import replicate_client
from shared.providers.replicate_output import download_output
from shared.providers.replicate_runner import run_prediction
from shared.script import Script

_DEADLINE_S = 300.0
STABLE_AUDIO_MAX_S = 190


def music_prompt(script: Script) -> str:
    kind = "pharmaceutical TV" if script.ad_type == "pharmaceutical" else "TV"
    return f"{script.music_mood} instrumental background music for a {kind} ad, no vocals, no singing: {script.title}"


def _stable_audio(script: Script, duration_s: float) -> dict[str, Any]:
    seconds = min(STABLE_AUDIO_MAX_S, max(1, math.ceil(duration_s)))
    return {"prompt": music_prompt(script)[:2000], "duration": seconds, "steps": 8}


def _minimax_music(script: Script, duration_s: float) -> dict[str, Any]:
    return {"prompt": music_prompt(script)[:2000], "is_instrumental": True, "audio_format": "mp3"}


BUILDERS: dict[str, Callable[[Script, float], dict[str, Any]]] = {
    "stable-audio": _stable_audio,
    "minimax-music": _minimax_music,
}


def music_input(family: str, script: Script, duration_s: float) -> dict[str, Any]:
    return BUILDERS[family](script, duration_s)


class ReplicateMusicMaker:
    def __init__(self, settings: Settings, model: Model, client: Client | None = None) -> None:
        self._settings = settings
        self._client = client or replicate_client(settings)
        self._model = model
        self.name = f"replicate:{model.name}"

    async def compose(
        self, script: Script, *, duration_s: float, out: Path, checkpoints: Checkpoints, cancelled: CancelCheck
    ) -> Rendered:
        model_input = music_input(self._model.family, script, duration_s)
        inputs = json.dumps([self._model.name, model_input], sort_keys=True)
        fingerprint = hashlib.sha256(inputs.encode()).hexdigest()[:16]
        state = await run_prediction(
            self._client, self._model.name, model_input,
            checkpoints=checkpoints, key=f"prediction-music-{fingerprint}", deadline_s=_DEADLINE_S,
            poll_s=self._settings.provider_poll_s, cancelled=cancelled, purpose="music track",
        )  # fmt: skip
        raw = out.with_name(f"{out.stem}.model.mp3")
        await download_output(state.output, raw, settings=self._settings)
        timeout_s = self._settings.ffmpeg_timeout_factor * duration_s + 30
        await ffmpeg(fit_track_args(raw, out, duration_s=duration_s), timeout_s=timeout_s)
        cost = self._model.price.cost(Usage(files=1))
        return Rendered(duration_s=await measured_duration_s(out), cost_usd=cost)

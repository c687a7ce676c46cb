"""The model catalogue: every model a stage may be configured with, in one place.

Each entry names the stage it serves, its provider, the input builder family the stage's adapter
uses for it, its price rule and its announced shutdown date (with the model to move to). Adding a
model is one entry here plus, where its inputs differ, one small input builder in the stage's
adapter. Sources for every figure are in `docs/providers.md`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

Stage = Literal["script", "keyframes", "narration", "clips", "music"]
Provider = Literal["replicate", "openai"]


@dataclass(frozen=True)
class Usage:
    """What one paid call consumed, as the provider reported it (or as we measured it)."""

    tokens_in: float = 0.0
    tokens_out: float = 0.0
    chars: int = 0
    seconds: float = 0.0  # of output media
    files: int = 0


@dataclass(frozen=True)
class Price:
    """How a model is charged, in US dollars; every rate that applies is added up."""

    per_mtok_in: float = 0.0
    per_mtok_out: float = 0.0
    per_kchar: float = 0.0
    per_second: float = 0.0  # of output media (video: the silent rate, we never ask for audio)
    per_file: float = 0.0

    def cost(self, usage: Usage) -> float:
        return round(
            usage.tokens_in * self.per_mtok_in / 1e6
            + usage.tokens_out * self.per_mtok_out / 1e6
            + usage.chars * self.per_kchar / 1e3
            + usage.seconds * self.per_second
            + usage.files * self.per_file,
            6,
        )


@dataclass(frozen=True)
class Model:
    name: str
    stage: Stage
    provider: Provider
    family: str  # which input builder the stage's adapter uses
    price: Price
    shutdown: date | None = None  # announced end of service
    replacement: str | None = None  # what to configure instead


_OPENAI_SPEECH_END = date(2027, 1, 6)  # openai SDK 3.54.0, types/audio/speech_model.py
_OPENAI_CHAT_END = date(2027, 1, 14)  # openai SDK 3.54.0, types/shared/chat_model.py

MODELS: tuple[Model, ...] = (
    # --- script ---
    Model("openai/gpt-5.6-terra", "script", "replicate", "gpt5", Price(per_mtok_in=2.50, per_mtok_out=15.0)),
    Model("openai/gpt-5.6-luna", "script", "replicate", "gpt5", Price(per_mtok_in=1.0, per_mtok_out=6.0)),
    Model("openai/gpt-5.2", "script", "replicate", "gpt5", Price(per_mtok_in=1.75, per_mtok_out=14.0)),
    Model("google/gemini-3-pro", "script", "replicate", "gemini3", Price(per_mtok_in=2.0, per_mtok_out=12.0)),
    Model(
        "openai/gpt-4o",
        "script",
        "replicate",
        "gpt4o",
        Price(per_mtok_in=2.50, per_mtok_out=10.0),
        _OPENAI_CHAT_END,
        "openai/gpt-5.6-terra",
    ),
    Model(
        "openai/gpt-4o-mini",
        "script",
        "replicate",
        "gpt4o",
        Price(per_mtok_in=0.15, per_mtok_out=0.60),
        _OPENAI_CHAT_END,
        "openai/gpt-5.6-luna",
    ),
    # --- keyframes (image models taking reference images; priced per image at 1K/2K) ---
    Model("google/nano-banana-pro", "keyframes", "replicate", "nano-banana", Price(per_file=0.13)),
    Model("google/nano-banana-2", "keyframes", "replicate", "nano-banana", Price(per_file=0.13)),
    Model("black-forest-labs/flux-kontext-pro", "keyframes", "replicate", "flux-kontext", Price(per_file=0.04)),
    # --- narration ---
    Model("minimax/speech-2.8-hd", "narration", "replicate", "minimax-speech", Price(per_kchar=0.10)),
    Model("minimax/speech-2.6-hd", "narration", "replicate", "minimax-speech-2.6", Price(per_kchar=0.10)),
    Model(
        "tts-1",
        "narration",
        "openai",
        "openai-tts",
        Price(per_kchar=0.015),
        _OPENAI_SPEECH_END,
        "minimax/speech-2.8-hd",
    ),
    Model(
        "tts-1-hd",
        "narration",
        "openai",
        "openai-tts",
        Price(per_kchar=0.030),
        _OPENAI_SPEECH_END,
        "minimax/speech-2.8-hd",
    ),
    # --- clips (silent output: `generate_audio` false, so the silent rates) ---
    Model("google/veo-3.1", "clips", "replicate", "veo", Price(per_second=0.20)),
    Model("google/veo-3.1-fast", "clips", "replicate", "veo", Price(per_second=0.10)),
    Model("kwaivgi/kling-v2.1", "clips", "replicate", "kling", Price(per_second=0.09)),
    # --- music (instrumental) ---
    Model("stability-ai/stable-audio-2.5", "music", "replicate", "stable-audio", Price(per_file=0.20)),
    Model("minimax/music-2.6", "music", "replicate", "minimax-music", Price(per_file=0.18)),
)

CATALOGUE: dict[str, Model] = {model.name: model for model in MODELS}

# The settings field that names each stage's model.
MODEL_SETTING: dict[Stage, str] = {
    "script": "script_model",
    "keyframes": "image_model",
    "narration": "narration_model",
    "clips": "video_model",
    "music": "music_model",
}


def model_for(stage: Stage, name: str) -> Model:
    """The catalogue entry for a configured model; a name the stage does not offer fails with the choices."""
    model = CATALOGUE.get(name)
    if model is None or model.stage != stage:
        offered = ", ".join(m.name for m in MODELS if m.stage == stage)
        raise ValueError(f"{MODEL_SETTING[stage]}={name!r} is not a {stage} model in the catalogue (one of: {offered})")
    return model

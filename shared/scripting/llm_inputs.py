"""The input each script model family takes on Replicate: one small builder per family.

GPT-5 family schemas have no `temperature` (Replicate would drop it silently) and take
`reasoning_effort` and `verbosity`; images go through each model's own field (`image_input` for
OpenAI models, `images` for Gemini). Confirmed schemas and sources: docs/providers.md.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

MAX_OUTPUT_TOKENS = 4096


def _gpt5(*, system: str, prompt: str, images: list[str]) -> dict[str, Any]:
    model_input: dict[str, Any] = {
        "system_prompt": system,
        "prompt": prompt,
        "reasoning_effort": "low",  # a script is a constrained rewrite, not a puzzle: keep it fast and cheap
        "verbosity": "low",
        "max_completion_tokens": MAX_OUTPUT_TOKENS,
    }
    if images:
        model_input["image_input"] = images
    return model_input


def _gpt4o(*, system: str, prompt: str, images: list[str]) -> dict[str, Any]:
    model_input: dict[str, Any] = {
        "system_prompt": system,
        "prompt": prompt,
        "temperature": 0.7,
        "max_completion_tokens": MAX_OUTPUT_TOKENS,
    }
    if images:
        model_input["image_input"] = images
    return model_input


def _gemini3(*, system: str, prompt: str, images: list[str]) -> dict[str, Any]:
    model_input: dict[str, Any] = {
        "system_instruction": system,
        "prompt": prompt,
        "temperature": 0.7,
        "thinking_level": "low",
        "max_output_tokens": MAX_OUTPUT_TOKENS,
    }
    if images:
        model_input["images"] = images[:10]  # the model takes at most ten
    return model_input


BUILDERS: dict[str, Callable[..., dict[str, Any]]] = {"gpt5": _gpt5, "gpt4o": _gpt4o, "gemini3": _gemini3}


def script_input(family: str, *, system: str, prompt: str, images: list[str] | None = None) -> dict[str, Any]:
    """The model input for one request to a model of `family` (a catalogue entry's `family`)."""
    return BUILDERS[family](system=system, prompt=prompt, images=images or [])

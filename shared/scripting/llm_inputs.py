"""The input each script model family takes on Replicate: one small builder per family.

GPT-5 family schemas have no `temperature` (Replicate would drop it silently) and take
`reasoning_effort` and `verbosity`; images go through each model's own field (`image_input` for
OpenAI models, `images` for Gemini). Confirmed schemas and sources: docs/providers.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

MAX_OUTPUT_TOKENS = 4096


@dataclass(frozen=True)
class InputShape:
    """Where one family's schema takes the system prompt, the images and the output cap, and its own tuning."""

    system: str
    images: str
    max_tokens: str
    tuning: dict[str, Any] = field(default_factory=dict)
    max_images: int | None = None

    def build(self, *, system: str, prompt: str, images: list[str]) -> dict[str, Any]:
        model_input = {self.system: system, "prompt": prompt, **self.tuning, self.max_tokens: MAX_OUTPUT_TOKENS}
        if images:
            model_input[self.images] = images[: self.max_images]
        return model_input


SHAPES = {
    # A script is a constrained rewrite, not a puzzle: low reasoning keeps it fast and cheap.
    "gpt5": InputShape(
        "system_prompt", "image_input", "max_completion_tokens", {"reasoning_effort": "low", "verbosity": "low"}
    ),
    "gpt4o": InputShape("system_prompt", "image_input", "max_completion_tokens", {"temperature": 0.7}),
    "gemini3": InputShape(
        "system_instruction",
        "images",
        "max_output_tokens",
        {"temperature": 0.7, "thinking_level": "low"},
        max_images=10,  # the model takes at most ten
    ),
}


def script_input(family: str, *, system: str, prompt: str, images: list[str] | None = None) -> dict[str, Any]:
    """The model input for one request to a model of `family` (a catalogue entry's `family`)."""
    return SHAPES[family].build(system=system, prompt=prompt, images=images or [])

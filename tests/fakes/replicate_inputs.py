"""Input validation the fake Replicate applies per model (each model's input schema as Replicate publishes it)."""

from __future__ import annotations

from typing import Any

_VEO = {"aspect_ratio": ("16:9", "9:16"), "duration": (4, 6, 8), "resolution": ("720p", "1080p")}
_KLING = {"duration": (5, 10), "mode": ("standard", "pro")}


def _enum_problems(model_input: dict[str, Any], allowed: dict[str, tuple[Any, ...]]) -> list[dict[str, str]]:
    return [
        {"type": "enum", "field": f"input.{name}", "description": f"{name} must be one of {list(values)}"}
        for name, values in allowed.items()
        if name in model_input and model_input[name] not in values
    ]


def _length_problem(model_input: dict[str, Any], name: str, low: int, high: int) -> list[dict[str, str]]:
    value = model_input.get(name)
    if not isinstance(value, str) or not low <= len(value) <= high:
        description = f"{name} must be {low}-{high} chars"
        return [{"type": "string_length", "field": f"input.{name}", "description": description}]
    return []


def validate_input(model: str, model_input: dict[str, Any]) -> list[dict[str, str]]:
    """The `invalid_fields` a 422 would list; empty when the input is acceptable."""
    required = (
        []
        if model.startswith("openai/") or model_input.get("prompt")
        else [{"type": "required", "field": "input", "description": "prompt is required"}]
    )
    if model.startswith("google/veo"):
        return required + _enum_problems(model_input, _VEO)
    if model.startswith("kwaivgi/kling"):
        missing = (
            []
            if model_input.get("start_image")
            else [{"type": "required", "field": "input", "description": "start_image is required"}]
        )
        return required + missing + _enum_problems(model_input, _KLING)
    if model.startswith("minimax/music"):
        return _length_problem(model_input, "prompt", 10, 300) + _length_problem(model_input, "lyrics", 10, 600)
    return required

"""Input validation the fakes apply per model, against each model's published schema kept as data.

The schemas live in `tests/fakes/schemas/<owner>__<name>.json` (types, enums, ranges, lengths,
required fields, and where each was confirmed). Unlike Replicate, which silently drops an input field
a model does not declare, the fake rejects it with 422 (`additional_property_not_allowed`): stricter
on purpose, so no adapter can send a field production would quietly ignore.
"""

from __future__ import annotations

import base64
import binascii
import json
from functools import cache
from pathlib import Path
from typing import Any

SCHEMAS = Path(__file__).with_name("schemas")
_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,), "integer": (int,), "number": (int, float), "boolean": (bool,),
    "array": (list,), "object": (dict,),
}  # fmt: skip


def schema_path(model: str) -> Path:
    return SCHEMAS / f"{model.replace('/', '__')}.json"


@cache
def schema_for(model: str) -> dict[str, Any] | None:
    path = schema_path(model)
    return json.loads(path.read_text()) if path.is_file() else None


def known_models() -> list[str]:
    return sorted(json.loads(p.read_text())["model"] for p in SCHEMAS.glob("*.json"))


def is_uri(value: str) -> bool:
    """A file input Replicate accepts: an http(s) URL, or a data URL whose base64 payload decodes."""
    if value.startswith(("http://", "https://")):
        return True
    header, _, payload = value.partition(",")
    if not (header.startswith("data:") and header.endswith(";base64") and payload):
        return False
    try:
        base64.b64decode(payload, validate=True)
    except binascii.Error:
        return False
    return True


def _problem(kind: str, field: str, description: str) -> dict[str, str]:
    return {"type": kind, "field": f"input.{field}", "description": description}


def _type_ok(value: Any, kind: str) -> bool:
    if isinstance(value, bool) and kind in ("integer", "number"):
        return False
    return isinstance(value, _TYPES[kind])


def _field_problems(name: str, value: Any, rule: dict[str, Any]) -> list[dict[str, str]]:
    kind = rule["type"]
    if not _type_ok(value, kind):
        return [_problem("type", name, f"{name} must be of type {kind}")]
    problems = []
    if "enum" in rule and value not in rule["enum"]:
        allowed = ", ".join(json.dumps(v) for v in rule["enum"])
        problems.append(_problem("enum", name, f"{name} must be one of the following: {allowed}"))
    if "minimum" in rule and value < rule["minimum"]:
        problems.append(_problem("number_gte", name, f"{name} must be greater than or equal to {rule['minimum']}"))
    if "maximum" in rule and value > rule["maximum"]:
        problems.append(_problem("number_lte", name, f"{name} must be less than or equal to {rule['maximum']}"))
    if kind == "string" and not rule.get("minLength", 0) <= len(value) <= rule.get("maxLength", len(value)):
        problems.append(_problem("string_length", name, f"{name} has the wrong length ({len(value)} characters)"))
    if kind == "string" and rule.get("format") == "uri" and not is_uri(value):
        problems.append(_problem("format", name, f"{name} must be a URI (http(s) or a base64 data URL)"))
    if kind == "array":
        if len(value) > rule.get("maxItems", len(value)):
            problems.append(_problem("array_length", name, f"{name} may hold at most {rule['maxItems']} items"))
        item_kind = rule.get("items", {}).get("type")
        if item_kind and not all(_type_ok(item, item_kind) for item in value):
            problems.append(_problem("type", name, f"every item of {name} must be of type {item_kind}"))
        elif rule.get("items", {}).get("format") == "uri" and not all(is_uri(item) for item in value):
            problems.append(_problem("format", name, f"every item of {name} must be a URI"))
    return problems


def _cross_field_problems(model: str, model_input: dict[str, Any]) -> list[dict[str, str]]:
    """Rules a model states in words rather than in its schema."""
    if model.startswith("google/veo") and "last_frame" in model_input and "image" not in model_input:
        return [_problem("dependency", "last_frame", "last_frame needs image")]
    if model.startswith("kwaivgi/kling") and "end_image" in model_input and model_input.get("mode") != "pro":
        return [_problem("dependency", "end_image", "end_image needs mode pro")]
    if (
        model.startswith("google/veo")
        and "reference_images" in model_input
        and ("image" in model_input or "last_frame" in model_input)
    ):
        return [_problem("dependency", "reference_images", "reference_images cannot be used with image or last_frame")]
    tolerance = model_input.get("safety_tolerance")
    if (
        model.endswith("flux-kontext-pro")
        and "input_image" in model_input
        and isinstance(tolerance, int)
        and tolerance > 2
    ):
        return [_problem("number_lte", "safety_tolerance", "safety_tolerance must be at most 2 with an input image")]
    return []


def validate_input(model: str, model_input: dict[str, Any]) -> list[dict[str, str]]:
    """The `invalid_fields` a 422 would list; empty when the input is acceptable."""
    schema = schema_for(model)
    if schema is None:
        return [_problem("model", "model", f"{model} is not a model the fake serves")]
    properties: dict[str, Any] = schema["properties"]
    problems = _cross_field_problems(model, model_input) + [
        _problem("required", name, f"{name} is required") for name in schema["required"] if name not in model_input
    ]
    for name, value in model_input.items():
        if name not in properties:
            problems.append(_problem("additional_property_not_allowed", name, f"{name} is not a field of {model}"))
        elif value is not None:
            problems.extend(_field_problems(name, value, properties[name]))
    return problems

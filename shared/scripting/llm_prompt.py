"""What the script model is asked for, and how its answer is read back into a checked `Script`.

The model gets the JSON schema of `shared.script.Script` and the request's constraints; its answer
(tokens joined, code fences stripped) must parse, validate, and keep those constraints. A failure
is returned as words to feed back to the model on the next try.
"""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import ValidationError

from shared.request import AdRequest
from shared.script import Script
from shared.scripting.closing import closing_for
from shared.scripting.statement_check import statement_problems

SYSTEM_PROMPT = (
    "You are a senior copywriter and director of TV and web advertising. You answer with one JSON object "
    "and nothing else: no prose, no markdown."
)
STYLE_SYSTEM_PROMPT = "You are a film director's assistant. You answer in plain prose, briefly."
STYLE_PROMPT = (
    "Describe the shared visual style of these reference images for a video director in at most three sentences: "
    "palette, light, camera and mood. Do not describe people's identities or any text in the images."
)
_FENCE = re.compile(r"^\s*```(?:json)?\s*|\s*```\s*$", re.IGNORECASE)


def _constraints(request: AdRequest) -> list[str]:
    lines = [
        f"Brief: {request.brief}",
        f"Ad type: {request.ad_type}",
        f"Brand: {request.brand or '(none given)'}",
        f"Total duration: {request.duration_s} s; scene duration_s values must add up to exactly {request.duration_s}",
        f"Aspect ratio: {request.aspect_ratio}; resolution: {request.resolution}",
        f"needs_narration: {'true' if request.narration else 'false'}",
        f"Music mood: {request.music_mood or 'choose one that fits the brief'}",
        "Scenes: 3 to 6, indexes 0..n-1, each 3-10 s, a vivid visual_prompt a video model can film "
        "(subject, action, setting, light, camera), short on_screen_text.",
    ]
    if request.narration:
        lines.append("Narration: short lines, each inside its window (start_s, end_s) and the ad's length.")
    if request.ad_type == "pharmaceutical":
        lines.append(_closing_instructions(request))
    return lines


def _closing_instructions(request: AdRequest) -> str:
    """The pharmaceutical closing the model copies: the statement verbatim, paged and timed, then the end card."""
    closing = closing_for(request)
    fixed = {
        "closing_starts_at_s": closing.start_s,
        "closing_scene_durations_s": [*closing.statement_scenes_s, closing.end_card_s],
        "narration_to_append": [segment.model_dump() for segment in closing.segments],
        "safety_text": request.side_effects,
        "end_card": list(closing.end_card.card),
    }
    return (
        "Pharmaceutical ad: the closing is fixed by law and must be copied exactly, never reworded or shortened. "
        f"Your own scenes and narration fill 0 to {closing.start_s} s; then add one scene per closing duration "
        "(on_screen_text empty, calm visuals); then append the narration segments given, verbatim; set "
        f"safety_text and end_card exactly as given. Side effects: {request.side_effects}\n"
        f"Fixed closing JSON: {json.dumps(fixed, separators=(',', ':'))}"
    )


def script_prompt(request: AdRequest, *, style_notes: str = "", feedback: str = "") -> str:
    """The user prompt for one attempt; `feedback` says what was wrong with the previous answer."""
    parts = [
        "Write the script for this ad as JSON matching the JSON schema below.",
        *_constraints(request),
    ]
    if style_notes:
        parts.append(f"Visual style to keep in every scene: {style_notes}")
    parts.append("JSON schema:\n" + json.dumps(Script.model_json_schema(), separators=(",", ":")))
    if feedback:
        parts.append(f"Your previous answer was rejected: {feedback}\nReturn the corrected JSON object only.")
    return "\n".join(parts)


def joined(output: Any) -> str:
    """The model's answer as text: token chunks joined, or the string itself."""
    if isinstance(output, list):
        return "".join(str(chunk) for chunk in output)
    return "" if output is None else str(output)


def parse_script(text: str, request: AdRequest) -> Script:
    """The validated script in `text`; raises ValueError with words the model can act on."""
    body = _FENCE.sub("", text.strip())
    try:
        data = json.loads(body)
    except json.JSONDecodeError as error:
        raise ValueError(f"it was not valid JSON ({error.msg} at line {error.lineno} column {error.colno})") from None
    if isinstance(data, dict):
        # The frame size is the user's choice, not the model's: the model is told it but never decides it.
        data["resolution"] = request.resolution
    try:
        script = Script.model_validate(data)
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'script'}: {e['msg']}" for e in error.errors()[:8])
        raise ValueError(f"it did not match the schema ({problems})") from None
    _check_constraints(script, request)
    return script


def _check_constraints(script: Script, request: AdRequest) -> None:
    wrong = []
    if abs(script.duration_s - request.duration_s) > 0.05:
        wrong.append(f"duration_s must be {request.duration_s}")
    if script.aspect_ratio != request.aspect_ratio:
        wrong.append(f"aspect_ratio must be {request.aspect_ratio}")
    if script.ad_type != request.ad_type:
        wrong.append(f"ad_type must be {request.ad_type}")
    if script.needs_narration != request.narration:
        wrong.append(f"needs_narration must be {str(request.narration).lower()}")
    wrong += statement_problems(script, request)
    if wrong:
        raise ValueError("it broke the request's constraints: " + "; ".join(wrong))


def with_style(script: Script, style_notes: str) -> Script:
    """The script with the style description in `style_notes` and appended to every scene's visual prompt."""
    notes = style_notes.strip()[:600]
    if not notes:
        return script
    scenes = [
        scene.model_copy(update={"visual_prompt": f"{scene.visual_prompt[: 1190 - len(notes)]} Style: {notes}"})
        for scene in script.scenes
    ]
    return script.model_copy(update={"style_notes": notes, "scenes": scenes})

"""The checks every script passes before anyone works to it: a writer's draft and a user's storyboard edit alike.

A script is re-validated against its schema (a writer may build it with `model_construct`; an edit changes
durations), must run exactly the ad's length, and must keep a pharmaceutical ad's major statement and
adequate provision verbatim (`statement_check`). A refusal names the field at fault, so the script stage
can fail the job in plain words and the gateway can answer 422 naming it.
"""

from __future__ import annotations

from pydantic import ValidationError

from shared.request import AdRequest
from shared.script import Script
from shared.scripting.statement_check import statement_problems


class ScriptRejected(ValueError):
    """A script nobody may work to: `field` names where (`scenes.2.duration_s`, `duration_s`, `safety_text`)."""

    def __init__(self, field: str, message: str, *, kind: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message
        self.kind = kind  # "schema", "length" or "statement": which rule refused it


def validated(script: Script, request: AdRequest) -> Script:
    """The script checked again from its plain data; `ScriptRejected` says what is wrong and where."""
    try:
        checked = Script.model_validate(script.model_dump())
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(part) for part in first["loc"]) or "scenes"
        raise ScriptRejected(where, first["msg"], kind="schema") from exc
    if abs(checked.duration_s - request.duration_s) > 0.05:
        message = f"the script runs {checked.duration_s:g}s but the ad must run {request.duration_s:g}s"
        raise ScriptRejected("duration_s", message, kind="length")
    if problems := statement_problems(checked, request):
        raise ScriptRejected("major_statement", "; ".join(problems), kind="statement")
    return checked

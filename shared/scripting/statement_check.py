"""The statement is the user's, verbatim: a script that speaks or shows anything else is refused.

Every script writer's script passes here before any paid stage runs. Whitespace is normalised; nothing else
is forgiven: not a shortened statement, not a paraphrase, not a faster read the request did not ask for.
"""

from __future__ import annotations

from shared.provision import HCP_LINE, display_url
from shared.request import AdRequest
from shared.script import Script
from shared.statement import FAST_SPEED, normalise


def statement_problems(script: Script, request: AdRequest) -> list[str]:
    """What is wrong with the script's major statement and end card, in words a writer can act on."""
    if request.ad_type != "pharmaceutical" or not request.side_effects:
        return []
    statement = normalise(request.side_effects)
    problems = []
    if normalise(script.safety_text) != statement:
        problems.append("safety_text (the on-screen statement) must be the side effects exactly as given")
    pages = [s for s in script.narration if s.kind == "safety"]
    if normalise(" ".join(s.text for s in pages)) != statement:
        problems.append('the "safety" narration segments, joined, must read the side effects exactly as given')
    speed = FAST_SPEED if request.safety_pace == "fast" else 1.0
    rest = [s.speed for s in script.narration if s.kind != "safety"]
    if any(abs(s.speed - speed) > 1e-6 for s in pages) or any(abs(r - 1.0) > 1e-6 for r in rest):
        problems.append(
            f"every narration segment must have speed 1.0{'' if speed == 1.0 else f', the safety ones {speed}'}"
        )
    problems += _provision_problems(script, request)
    return problems


def _provision_problems(script: Script, request: AdRequest) -> list[str]:
    site, phone = display_url(str(request.prescribing_info_url)), request.phone or ""
    wanted = [HCP_LINE.rstrip("."), site, phone, *([request.print_reference] if request.print_reference else [])]
    spoken = " ".join(s.text for s in script.narration if s.kind == "provision")
    card = " ".join(script.end_card)
    problems = []
    if missing := [w for w in wanted if w.lower() not in spoken.lower()]:
        problems.append(f'a "provision" narration segment must say: {"; ".join(missing)}')
    if missing := [w for w in wanted if w.lower() not in card.lower()]:
        problems.append(f"end_card must show: {'; '.join(missing)}")
    return problems

"""A pharmaceutical ad's closing, the same for every script writer: the statement's pages, then the end card.

The closing takes the ad's last seconds: the statement read verbatim at a calm pace, one narration segment
per on-screen page (timed by `shared.statement`), over scenes that carry no other text and cut no faster
than the rest of the ad, then the adequate-provision end card. The planner uses it as it is; the GPT-4o
writer is given it to copy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from shared.provision import Provision, provision, provision_s
from shared.request import AdRequest
from shared.script import NarrationSegment
from shared.statement import FAST_SPEED, LEAD_S, page_slot_s, pages, speaking_s, statement_s, text_layout

MAX_SCENE_S = 20.0  # the script contract's longest scene


def _tenths_up(seconds: float) -> float:
    return math.ceil(round(seconds * 10, 6)) / 10


@dataclass(frozen=True)
class Closing:
    start_s: float  # where the first statement scene begins; everything before is the ad's own content
    statement_scenes_s: tuple[float, ...]  # the statement's scene durations (no cut inside a short statement)
    end_card_s: float  # the end card scene's duration
    segments: tuple[NarrationSegment, ...]  # the statement's pages, then the provision line
    end_card: Provision


def closing_for(request: AdRequest) -> Closing:
    """The closing of a (validated) pharmaceutical request: it fits, the gateway has checked."""
    if request.ad_type != "pharmaceutical" or not request.side_effects or not request.phone:
        raise ValueError("only a pharmaceutical request with its statement and provision has a closing")
    layout = text_layout(request.frame_size)
    url, phone = str(request.prescribing_info_url), request.phone
    card = provision(url=url, phone=phone, print_reference=request.print_reference)
    statement_span = _tenths_up(statement_s(request.side_effects, layout))
    card_span = _tenths_up(provision_s(card, layout))
    start = round(request.duration_s - statement_span - card_span, 1)
    count = math.ceil(statement_span / MAX_SCENE_S)
    scenes = [round(statement_span / count, 1)] * (count - 1)
    scenes.append(round(statement_span - sum(scenes), 1))
    speed = FAST_SPEED if request.safety_pace == "fast" else 1.0
    segments: list[NarrationSegment] = []
    at = start + LEAD_S
    for page in pages(request.side_effects, layout):
        segments.append(
            NarrationSegment(text=page.text, start_s=round(at, 2), end_s=round(at + speaking_s(page.text), 2),
                             kind="safety", speed=speed)
        )  # fmt: skip
        at += page_slot_s(page)
    card_at = start + statement_span + LEAD_S
    end = min(request.duration_s, card_at + speaking_s(card.spoken))
    segments.append(
        NarrationSegment(text=card.spoken, start_s=round(card_at, 2), end_s=round(end, 2), kind="provision")
    )
    return Closing(start, tuple(scenes), card_span, tuple(segments), card)

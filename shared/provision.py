"""Adequate provision for the full labeling (21 CFR 202.1(e)(1); FDA 1999 broadcast guidance): the end card.

A broadcast ad that does not read the brief summary points to it: a toll-free number, a website, a print
reference when there is one, and "ask your doctor or pharmacist". The end card speaks and shows all of
them; this module words it and times it, and says how short a pharmaceutical ad can be.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from shared.statement import (
    HOLD_S,
    LEAD_S,
    MIN_BENEFIT_S,
    TAIL_S,
    TextLayout,
    min_shown_s,
    speaking_s,
    statement_s,
    words,
    wrap,
)

HCP_LINE = "Ask your doctor or pharmacist."
LABELING_LINE = "Full prescribing information:"


def display_url(url: str) -> str:
    """A web address as read and shown: no scheme, no "www.", no trailing slash."""
    return url.split("://", 1)[-1].removeprefix("www.").rstrip("/")


@dataclass(frozen=True)
class Provision:
    spoken: str  # the end card's narration line
    card: tuple[str, ...]  # the end card's lines, each its own element (wrapped further to the frame)

    def card_lines(self, layout: TextLayout) -> list[str]:
        return [line for element in self.card for line in wrap(element, layout)]


def provision(*, url: str, phone: str, print_reference: str | None) -> Provision:
    site = display_url(url)
    spoken = f"{HCP_LINE} Prescribing information: {site}, or call {phone}."
    card = [HCP_LINE.rstrip("."), LABELING_LINE, site, phone]
    if print_reference:
        spoken += f" Or see {print_reference}."
        card.append(f"See {print_reference}")
    return Provision(spoken=spoken, card=tuple(card))


def provision_s(end_card: Provision, layout: TextLayout) -> float:
    """The end card's span: a lead-in, the longer of its reading and its lines' reading time, a tail."""
    return LEAD_S + max(speaking_s(end_card.spoken) + HOLD_S, min_shown_s(len(end_card.card_lines(layout)))) + TAIL_S


def shortest_ad_s(statement: str, end_card: Provision, layout: TextLayout) -> int:
    """Whole seconds that hold a little benefit content, the statement at a calm pace and the end card."""
    return math.ceil(MIN_BENEFIT_S + statement_s(statement, layout) + provision_s(end_card, layout) - 1e-6)


def too_short_message(statement: str, needed_s: int, max_s: int) -> str:
    message = (
        f"this {words(statement)}-word statement needs at least {needed_s} s "
        f"(read at a calm pace with the prescribing-information end card and {MIN_BENEFIT_S:g} s of the ad before it)"
    )
    if needed_s > max_s:
        message += f"; ads run at most {max_s} s, so the statement must be shorter"
    return message

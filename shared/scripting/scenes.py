"""Scene roles and their copy: what each beat of the ad shows, says and prints on screen.

Lines come in variants from short to long; the planner speaks the longest that fits the
scene's window at a calm rate, so a short ad still says something whole.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.scripting.copybook import Category

ON_SCREEN_MAX_CHARS = 40

ROLES_BY_COUNT: dict[int, tuple[str, ...]] = {
    4: ("problem", "product", "relief", "end"),
    5: ("problem", "product", "relief", "lifestyle", "end"),
    6: ("problem", "product", "benefit", "relief", "lifestyle", "end"),
}
WEIGHTS: dict[int, list[float]] = {4: [1, 1, 1, 1], 5: [1.1, 1, 1, 1, 0.9], 6: [1, 1, 1, 1, 1, 1]}
# A pharmaceutical ad's own content, before its closing (the statement and the end card, see closing.py).
PHARMA_ROLES_BY_COUNT: dict[int, tuple[str, ...]] = {
    2: ("problem", "product"),
    3: ("problem", "product", "relief"),
    4: ("problem", "product", "relief", "lifestyle"),
}

_LIGHT = {
    "calm": "soft diffused morning light, pastel tones",
    "uplifting": "warm golden-hour light, gentle lens flare",
    "energetic": "bright crisp daylight, punchy saturated colour",
    "dramatic": "moody low-key light with strong contrast",
}
_CAMERA = {
    "problem": "slow push-in",
    "product": "slow orbit around the product",
    "benefit": "macro slider move",
    "relief": "gentle handheld follow",
    "lifestyle": "smooth tracking shot",
    "end": "static locked-off shot",
    "statement": "slow, steady wide shot",
}
_FRAMING = {
    "16:9": "wide cinematic 16:9 composition",
    "9:16": "vertical 9:16 composition, subject centred",
    "1:1": "square 1:1 composition, subject centred",
}


@dataclass(frozen=True)
class Voice:
    """Names and phrases the copy is written with for one ad."""

    name: str  # the brand, or "our allergy relief"
    brand_or_product: str  # for on-screen text
    tagline: str
    pharma: bool


def lines(role: str, cat: Category, v: Voice) -> list[str]:
    """Narration variants for a scene role, shortest first."""
    name, cap = v.name, v.name[:1].upper() + v.name[1:]
    if role == "problem":
        return [
            f"Tired of {cat.trouble}?",
            f"Tired of {cat.trouble}? You're not alone.",
            f"Tired of {cat.trouble}? You're not alone, and you don't have to live with it.",
        ]
    if role == "product":
        return [
            f"Meet {name}.",
            f"Meet {name}, made for {cat.benefit}.",
            f"Meet {name}. It's made for {cat.benefit}, so you can focus on your day.",
        ]
    if role == "benefit":
        return [f"{cap} works with you.", f"{cap} works with your day, not against it."]
    if role == "relief" and v.pharma:
        return [
            "Ask your doctor.",
            f"Ask your doctor about {name}.",
            f"Ask your doctor if {name} is right for you.",
            f"Say hello to {cat.benefit}. Ask your doctor if {name} is right for you.",
        ]
    if role == "relief":
        return [
            f"Hello, {cat.benefit}.",
            f"Say hello to {cat.benefit}.",
            f"Say hello to {cat.benefit}, and goodbye to {cat.trouble}.",
        ]
    if role == "lifestyle":
        return [f"More time for {cat.moment}.", f"Because life is better with more time for {cat.moment}."]
    return [f"{cap}.", f"{cap}. {v.tagline}"]


def on_screen(role: str, cat: Category, v: Voice) -> str:
    candidates = {
        "problem": [cat.trouble_short],
        "product": [v.brand_or_product],
        "benefit": [cat.benefit_short],
        "relief": [f"Ask your doctor about {v.brand_or_product}", "Ask your doctor"]
        if v.pharma
        else [cat.benefit_short],
        "lifestyle": [v.tagline, cat.benefit_short],
        "end": [f"{v.brand_or_product} · {v.tagline}", v.brand_or_product],
    }[role]
    for text in candidates:
        if len(text) <= ON_SCREEN_MAX_CHARS:
            return text
    return candidates[-1][:ON_SCREEN_MAX_CHARS].rsplit(" ", 1)[0]


def visual_prompt(role: str, cat: Category, *, brand: str, mood: str, aspect_ratio: str, setting: str) -> str:
    product = cat.product_subject.format(brand=brand or "new")
    subject = {
        "problem": cat.problem_subject,
        "product": product,
        "benefit": "a close-up of " + product,
        "relief": cat.relief_subject,
        "lifestyle": cat.lifestyle_subject,
        "statement": cat.lifestyle_subject,
        "end": f"{f'the {brand} logo and package' if brand else 'the product'} centred on a clean, softly lit backdrop",
    }[role]
    look = f"{setting} setting, {_LIGHT[mood]}, {_CAMERA[role]}, {_FRAMING[aspect_ratio]}"
    return f"{subject[:1].upper()}{subject[1:]}, {look}."

"""Reading a brief: the brand, the product category and the mood, by plain keyword rules.

Deterministic and forgiving: a brief that names nothing still reads as a general product
in an uplifting mood.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from shared.moods import DEFAULT_MOOD, mood_in
from shared.request import AdRequest

_CATEGORY_WORDS: dict[str, tuple[str, ...]] = {
    "allergy": ("allerg", "hay fever", "pollen", "sneez", "itchy eyes"),
    "sleep": ("sleep", "insomnia", "restless night"),
    "pain": ("pain", "headache", "migraine", "arthritis", "joint", "ache", "sore"),
    "skin": ("skin", "eczema", "psoriasis", "acne", "rash"),
    "coffee": ("coffee", "espresso", "tea", "drink", "juice", "beverage", "brew"),
    "fitness": ("shoe", "sneaker", "running", "fitness", "gym", "workout", "trainer"),
}

_BRAND_AFTER = re.compile(r"\b(?:brand(?:ed)?|called|named|product)\s*(?:name\s*)?[:\-]?\s*[\"“']?([A-Z][\w\-]+)")
_CAPITALISED = re.compile(r"(?<![\w\-])([A-Z][a-z][\w\-]*)")
_NOT_BRANDS = frozenset({
    "A", "An", "The", "This", "That", "These", "Our", "Your", "We", "You", "I", "It", "For", "With", "Make",
    "Create", "Show", "Spot", "Ad", "Advert", "Commercial", "Video", "Calm", "Morning", "Evening", "Night",
    "Energetic", "Bright", "Warm", "Uplifting", "Dramatic", "Second", "Seconds", "Brand", "Product", "Mood",
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January", "February",
    "March", "April", "May", "June", "July", "August", "September", "October", "November", "December", "Spring",
    "Summer", "Autumn", "Fall", "Winter", "English", "America", "American", "Ask", "Talk", "Doctor", "Allergy",
    "Sleep", "Pain", "Skin", "Coffee", "Fitness", "Side", "Effects", "Please", "Use", "Feature", "Include",
    "Target",
})  # fmt: skip


@dataclass(frozen=True)
class BriefReading:
    brand: str  # "" when the brief names none
    category: str  # a key of the copybook
    mood: str  # one of shared.moods.MOODS: drives light and pacing
    music_mood: str  # what the music stage is asked for: the request's words when given


def read_brief(request: AdRequest) -> BriefReading:
    mood = mood_in(f"{request.music_mood or ''} {request.brief}") or DEFAULT_MOOD
    category = _first_match(request.brief.lower(), _CATEGORY_WORDS)
    if category is None:
        category = "health" if request.ad_type == "pharmaceutical" else "product"
    return BriefReading(
        brand=request.brand or brand_in(request.brief),
        category=category,
        mood=mood,
        music_mood=request.music_mood or mood,
    )


def brand_in(brief: str) -> str:
    """A brand the brief names: after 'brand'/'called', else the first capitalised word that is not a common one."""
    if named := _BRAND_AFTER.search(brief):
        return named.group(1)
    candidates = [m for m in _CAPITALISED.finditer(brief) if m.group(1) not in _NOT_BRANDS]
    # A capitalised word mid-sentence is a name; one opening a sentence may just be an opener ("Hopeful spot for ...").
    mid_sentence = [m for m in candidates if brief[: m.start()].rstrip()[-1:] not in {"", ".", "!", "?"}]
    chosen = (mid_sentence or candidates)[:1]
    return chosen[0].group(1) if chosen else ""


def _first_match(text: str, table: dict[str, tuple[str, ...]]) -> str | None:
    """The table key whose keyword appears earliest in the text."""
    best: tuple[int, str] | None = None
    for key, words in table.items():
        for word in words:
            at = text.find(word)
            if at >= 0 and (best is None or at < best[0]):
                best = (at, key)
    return best[1] if best else None

"""Reading a scene's setting from its words, so a drawn keyframe shows the place the script names.

The script gives each scene a one-word setting and a visual prompt; either may name the place
("kitchen", "a muddy forest trail in the rain"). The setting word wins when it names a place we
draw; otherwise the first place word in the prompt does. Weather and time of day are read the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Place = Literal[
    "forest", "sea", "beach", "city", "kitchen", "park", "bedroom", "office", "mountains", "clinic", "studio"
]
TimeOfDay = Literal["day", "dawn", "night"]
PLACES: tuple[Place, ...] = (
    "forest", "sea", "beach", "city", "kitchen", "park", "bedroom", "office", "mountains", "clinic", "studio",
)  # fmt: skip

_PLACE_WORDS: dict[Place, tuple[str, ...]] = {
    "forest": ("forest", "wood", "woods", "woodland", "trail", "tree", "jungle", "pine", "grove"),
    "sea": ("sea", "ocean", "wave", "coast", "harbour", "harbor", "sail", "sailing", "boat", "lake", "river", "bay"),
    "beach": ("beach", "sand", "shore", "seaside", "surf", "dune"),
    "city": ("city", "street", "skyline", "downtown", "urban", "rooftop", "balcony", "bridge", "town", "traffic"),
    "kitchen": ("kitchen", "breakfast", "cooking", "cafe", "café", "coffee", "dining", "home", "window", "apartment"),
    "park": ("park", "garden", "lawn", "picnic", "playground", "meadow", "grass", "outdoors", "flower", "track"),
    "bedroom": ("bedroom", "bed", "bedside", "sleep", "sleeping", "pillow", "nightstand"),
    "office": ("office", "desk", "meeting", "workplace", "laptop", "cubicle", "coworker"),
    "mountains": ("mountain", "peak", "hike", "hiking", "summit", "alps", "valley", "cliff"),
    "clinic": ("clinic", "pharmacy", "pharmacist", "doctor", "hospital", "lab", "nurse", "surgery", "dispensary"),
    "studio": ("studio", "closeup", "packshot", "product", "shelf", "bathroom", "step", "table", "counter"),
}
_RAIN_WORDS = ("rain", "rainy", "raining", "storm", "stormy", "drizzle", "downpour", "wet", "puddle", "shower")
_NIGHT_WORDS = ("night", "midnight", "moonlight", "moon", "dusk", "evening", "dark", "dim")
_DAWN_WORDS = ("sunrise", "dawn", "morning", "golden", "sunset")
_PRODUCT_WORDS = (
    "product", "package", "pack", "packaging", "box", "bottle", "tube", "tablet", "pill", "capsule", "jar",
    "blister", "inhaler", "spray", "bag",
)  # fmt: skip
_BY_WORD: dict[str, Place] = {word: place for place, words in _PLACE_WORDS.items() for word in words}


@dataclass(frozen=True)
class Scenery:
    place: Place
    time: TimeOfDay = "day"
    rain: bool = False


def words(text: str) -> list[str]:
    """Lower-case words, a plural's final s dropped ("trees" reads as "tree")."""
    found = re.findall(r"[a-zà-ÿ]+", text.lower())
    return [w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") and w[:-1] in _BY_WORD else w
            for w in found]  # fmt: skip


def _place_in(text: str) -> Place | None:
    return next((_BY_WORD[w] for w in words(text) if w in _BY_WORD), None)


def read_scenery(setting: str, prompt: str) -> Scenery:
    """The place, time of day and weather a scene's words describe (a studio when they name no place)."""
    place = _place_in(setting) or _place_in(prompt) or "studio"
    said = set(words(f"{setting} {prompt}"))
    time: TimeOfDay = "night" if said & set(_NIGHT_WORDS) else "dawn" if said & set(_DAWN_WORDS) else "day"
    return Scenery(place=place, time=time, rain=bool(said & set(_RAIN_WORDS)))


def mentions_product(prompt: str, brand: str = "") -> bool:
    """True when the scene's words put the product on screen (a pack, a bottle, the brand's name)."""
    said = set(words(prompt))
    return bool(said & set(_PRODUCT_WORDS)) or bool(brand and brand.lower() in prompt.lower())

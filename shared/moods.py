"""The moods an ad can have, and how they are read from free text ("calm morning", "upbeat").

One vocabulary for the script planner (light and pacing) and the music synthesiser (tempo, key).
"""

from __future__ import annotations

MOODS = ("calm", "energetic", "dramatic", "uplifting")
DEFAULT_MOOD = "uplifting"

# Checked in this order; the first mood with a word in the text wins. Stems match longer words.
MOOD_WORDS: dict[str, tuple[str, ...]] = {
    "calm": (
        "calm", "gentle", "soft", "relax", "peace", "serene", "quiet", "sooth", "morning", "tranquil", "ambient",
        "tender",
    ),
    "energetic": (
        "energetic", "energy", "upbeat", "sport", "active", "dynamic", "fast", "athlet", "workout", "bold", "dance",
        "pump",
    ),
    "dramatic": ("dramatic", "epic", "cinematic", "intense", "serious", "powerful", "dark", "tense"),
    "uplifting": ("uplifting", "hope", "warm", "bright", "happy", "inspir", "joy", "optimis", "family", "cheer"),
}  # fmt: skip


def mood_in(text: str) -> str | None:
    """The first mood whose word appears in the text, or None."""
    lowered = text.lower()
    for mood, words in MOOD_WORDS.items():
        if any(word in lowered for word in words):
            return mood
    return None

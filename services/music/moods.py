"""Musical settings per mood: tempo, key, chord progression and how busy each part is.

A mood is free text from the script ("calm morning", "upbeat"); `profile_for` reads it by
keyword and falls back to an uplifting pop progression.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.moods import DEFAULT_MOOD, mood_in

MAJOR = (0, 2, 4, 5, 7, 9, 11)
MINOR = (0, 2, 3, 5, 7, 8, 10)


@dataclass(frozen=True)
class MoodProfile:
    name: str
    tempo_bpm: float
    root_midi: int  # tonic of the key, in the octave the pad plays in
    scale: tuple[int, ...]
    progression: tuple[int, ...]  # scale degrees, 0-based: (0, 4, 5, 3) is I–V–vi–IV
    arp_steps_per_beat: int  # 2 = eighth notes, 4 = sixteenths
    kick_every_beats: int  # 0 = no kick
    kick_level: float
    arp_level: float
    pad_level: float
    bass_level: float

    def chord(self, degree: int) -> tuple[int, int, int]:
        """The triad on a scale degree, as MIDI notes stacked from the root octave."""
        notes = []
        for step in (degree, degree + 2, degree + 4):
            octave, index = divmod(step, len(self.scale))
            notes.append(self.root_midi + 12 * octave + self.scale[index])
        return notes[0], notes[1], notes[2]


PROFILES: dict[str, MoodProfile] = {
    "calm": MoodProfile("calm", 72, 62, MAJOR, (0, 5, 3, 4), 2, 0, 0.0, 0.10, 0.12, 0.16),
    "uplifting": MoodProfile("uplifting", 96, 60, MAJOR, (0, 4, 5, 3), 2, 1, 0.35, 0.12, 0.10, 0.20),
    "energetic": MoodProfile("energetic", 124, 64, MAJOR, (5, 3, 0, 4), 4, 1, 0.50, 0.12, 0.08, 0.24),
    "dramatic": MoodProfile("dramatic", 80, 57, MINOR, (0, 5, 2, 6), 2, 2, 0.55, 0.08, 0.13, 0.26),
}


def profile_for(mood: str) -> MoodProfile:
    """The profile of the mood named in the text; uplifting when it names none."""
    return PROFILES[mood_in(mood) or DEFAULT_MOOD]

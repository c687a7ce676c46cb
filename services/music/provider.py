"""Chooses the music maker for this deployment: Minimax on Replicate when configured, else local synthesis."""

from __future__ import annotations

from shared.config import Settings
from shared.providers.base import MusicMaker
from shared.providers.secrets import with_provider_secrets
from shared.providers.selection import wants_real


def select_music_maker(settings: Settings) -> MusicMaker:
    settings = with_provider_secrets(settings)
    key = settings.replicate_api_token
    if wants_real("music", settings.music_provider, real="replicate", key=key, key_setting="REPLICATE_API_TOKEN"):
        from services.music.replicate import MinimaxMusicMaker

        return MinimaxMusicMaker(settings)
    from services.music.local import SynthMusicMaker

    return SynthMusicMaker(settings)

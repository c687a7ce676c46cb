"""Chooses the clip maker for this deployment: Veo on Replicate when configured, else local ffmpeg footage."""

from __future__ import annotations

from shared.config import Settings
from shared.providers.base import ClipMaker
from shared.providers.secrets import with_provider_secrets
from shared.providers.selection import wants_real


def select_clip_maker(settings: Settings) -> ClipMaker:
    settings = with_provider_secrets(settings)
    key = settings.replicate_api_token
    if wants_real("clips", settings.clips_provider, real="replicate", key=key, key_setting="REPLICATE_API_TOKEN"):
        from services.clips.replicate import ReplicateClipMaker

        return ReplicateClipMaker(settings)
    from services.clips.local import FfmpegClipMaker

    return FfmpegClipMaker(settings)

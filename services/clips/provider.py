"""Chooses the clip maker for this deployment: Veo on Replicate when configured, else local ffmpeg footage."""

from __future__ import annotations

from services.clips.local import FfmpegClipMaker
from shared.config import Settings
from shared.providers.base import ClipMaker


def select_clip_maker(settings: Settings) -> ClipMaker:
    return FfmpegClipMaker(settings)

"""Keyless clip maker: a scene's footage drawn with ffmpeg, opening on its start frame, closing on its end frame."""

from __future__ import annotations

from pathlib import Path

from services.clips.look import look_for
from services.clips.render import INTERMEDIATE_CRF_BONUS, INTERMEDIATE_PRESET, clip_args
from shared.config import Settings
from shared.ffmpeg import ffmpeg
from shared.providers.base import CancelCheck, Checkpoints, Rendered
from shared.request import FRAME_SIZES
from shared.script import Scene, Script


class FootageClipMaker:
    name = "local"

    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    async def make_clip(
        self,
        scene: Scene,
        script: Script,
        *,
        start_frame: Path | None,
        end_frame: Path | None = None,
        out: Path,
        checkpoints: Checkpoints,
        cancelled: CancelCheck,
    ) -> Rendered:
        """Renders the scene at the script's frame size; costs nothing, so checkpoints are not needed here."""
        args = clip_args(
            look_for(scene),
            size=FRAME_SIZES[(script.resolution, script.aspect_ratio)],
            fps=self._settings.fps,
            duration_s=scene.duration_s,
            start_frame=start_frame,
            end_frame=end_frame,
            out=out,
            preset=INTERMEDIATE_PRESET,
            crf=max(0, self._settings.video_crf - INTERMEDIATE_CRF_BONUS),
        )
        await ffmpeg(args, timeout_s=self._settings.ffmpeg_timeout_factor * scene.duration_s + 30)
        return Rendered(duration_s=scene.duration_s)

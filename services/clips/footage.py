"""Keyless clip maker: a scene's footage from its first keyframe to its last, as an animatic moves.

With keyframes both frames are given. In chain mode (or with none) the scene's own setting is drawn
(`shared.animatic`) in the brand's look (its colours, its product photo) and used where a frame is
missing: the clip opens on the previous clip's last frame and moves into the drawn scene, so every
scene wears the brand as the keyframes do. A rainy scene gets rain falling across it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from PIL import Image

from services.clips.render import INTERMEDIATE_CRF_BONUS, INTERMEDIATE_PRESET, clip_args
from shared.animatic.frame import draw_keyframe, draw_rain
from shared.animatic.setting import mentions_product, read_scenery
from shared.config import Settings
from shared.ffmpeg import ffmpeg
from shared.providers.base import NO_LOOK, CancelCheck, Checkpoints, KeyframeShot, Look, Rendered
from shared.request import FRAME_SIZES
from shared.script import Scene, Script


def drawn_scene(scene: Scene, script: Script, out: Path, look: Look = NO_LOOK) -> Path:
    """The scene's setting drawn at the script's frame size in the brand's look (its product where it shows)."""
    width, height = FRAME_SIZES[(script.resolution, script.aspect_ratio)]
    shot = KeyframeShot(
        prompt=scene.visual_prompt, setting=scene.setting, width=width, height=height,
        aspect_ratio=script.aspect_ratio, shows_product=mentions_product(scene.visual_prompt, script.brand),
        brand=script.brand, mirrored=scene.index % 2 == 1,  # as the keyframes stage frames scene k's opening
        colours=look.colours,
    )  # fmt: skip
    draw_keyframe(shot, look.product_photo).save(out, format="PNG", compress_level=1)
    return out


def rain_sheet(scene: Scene, size: tuple[int, int], out: Path) -> Path:
    """Two identical frame-sized layers of rain stacked, so scrolling by one frame height loops seamlessly."""
    seed = int.from_bytes(hashlib.sha256(scene.visual_prompt.encode()).digest()[:8], "big")
    layer = draw_rain(size, seed)
    sheet = Image.new("RGBA", (size[0], size[1] * 2), (0, 0, 0, 0))
    sheet.paste(layer, (0, 0))
    sheet.paste(layer, (0, size[1]))
    sheet.save(out, format="PNG", compress_level=1)
    return out


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
        look: Look = NO_LOOK,
    ) -> Rendered:
        """Renders the scene at the script's frame size; costs nothing, so checkpoints are not needed here."""
        size = FRAME_SIZES[(script.resolution, script.aspect_ratio)]
        drawn = None
        if start_frame is None or end_frame is None:
            drawn = drawn_scene(scene, script, out.with_name(f"{out.stem}.drawn.png"), look)
        rainy = read_scenery(scene.setting, scene.visual_prompt).rain
        args = clip_args(
            first=start_frame or drawn or Path(), last=end_frame or drawn or Path(), size=size,
            fps=self._settings.fps, duration_s=scene.duration_s, out=out, preset=INTERMEDIATE_PRESET,
            crf=max(0, self._settings.video_crf - INTERMEDIATE_CRF_BONUS),
            rain_sheet=rain_sheet(scene, size, out.with_name(f"{out.stem}.rain.png")) if rainy else None,
        )  # fmt: skip
        await ffmpeg(args, timeout_s=self._settings.ffmpeg_timeout_factor * scene.duration_s + 30)
        return Rendered(duration_s=scene.duration_s)

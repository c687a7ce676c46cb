"""Keyless keyframes: each still drawn (Pillow, no network) as an animatic frame of the scene's setting.

The place, time of day and weather come from the scene's words (`setting.py`), the colours from the
brand kit, and the product (its photo cut out, or a drawn pack) stands where the scene shows it.
Drawing costs nothing and takes a fraction of a second, so nothing is checkpointed here.
"""

from __future__ import annotations

import hashlib
import random
from pathlib import Path

from PIL import Image, ImageDraw

from services.keyframes.palette import palette_for
from services.keyframes.product import cut_out, drawn_pack, is_liquid, place_product
from services.keyframes.scenery import Canvas, draw_place
from services.keyframes.setting import read_scenery
from shared.providers.base import CancelCheck, Checkpoints, KeyframeShot, Pictured

DRAWING_VERSION = "local:drawn-1"  # bump when the drawings change, so stored keyframes are redrawn


def draw_rain(frame: Image.Image, rng: random.Random, *, phase: float = 0.0) -> Image.Image:
    """Slanted streaks over the whole frame; `phase` (0–1) moves every streak down, to animate a fall."""
    layer = Image.new("RGBA", frame.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    length, width = frame.height * 0.05, max(1, frame.height // 360)
    for _ in range(frame.width * frame.height // 3000):
        x, y = rng.random() * frame.width, (rng.random() + phase) % 1.0 * frame.height
        draw.line((x, y, x - length * 0.25, y + length), fill=(210, 220, 235, 150), width=width)
    return layer


def draw_keyframe(shot: KeyframeShot, product_photo: Path | None = None) -> Image.Image:
    """The still for one shot, at the shot's size."""
    seed = int.from_bytes(hashlib.sha256(f"{shot.prompt}|{shot.setting}".encode()).digest()[:8], "big")
    rng = random.Random(seed)  # noqa: S311 - a drawing's layout, not a secret
    scenery = read_scenery("studio" if shot.hero else shot.setting, "" if shot.hero else shot.prompt)
    pal = palette_for(scenery.time, shot.colours, rain=scenery.rain)
    image = Image.new("RGB", (shot.width, shot.height), pal.sky_low)
    spot = draw_place(Canvas(image, ImageDraw.Draw(image), pal, rng, scenery.time), scenery.place)
    frame = image.convert("RGBA")
    if shot.shows_product or shot.hero:
        product = (
            cut_out(product_photo)
            if product_photo is not None
            else drawn_pack(spot.height, pal.accent, pal.second, bottle=is_liquid(shot.prompt))
        )
        place_product(frame, product, spot)
    if scenery.rain:
        frame.alpha_composite(draw_rain(frame, rng))
    return frame.convert("RGB")


class DrawnKeyframeMaker:
    name = "local"
    model = DRAWING_VERSION

    async def make_keyframe(
        self, shot: KeyframeShot, *, product_photos: list[Path], hero: Path | None, out: Path,
        checkpoints: Checkpoints, checkpoint_key: str, cancelled: CancelCheck,
    ) -> Pictured:  # fmt: skip
        """Draws the shot with the first product photo cut out into it (the hero adds nothing a drawing uses)."""
        draw_keyframe(shot, product_photos[0] if product_photos else None).save(out, format="PNG", compress_level=1)
        return Pictured()

"""One drawn frame: the place, the product where the scene shows it, and the weather over it."""

from __future__ import annotations

import hashlib
import random
from dataclasses import replace
from pathlib import Path

from PIL import Image, ImageDraw

from shared.animatic.canvas import Canvas
from shared.animatic.palette import palette_for
from shared.animatic.product import cut_out, drawn_pack, is_liquid, place_product
from shared.animatic.scenery import draw_place
from shared.animatic.setting import read_scenery
from shared.providers.base import KeyframeShot


def draw_rain(size: tuple[int, int], seed: int, *, density: float = 1.0) -> Image.Image:
    """Slanted streaks over a transparent layer of `size` (the clip maker scrolls a tall one to make it fall)."""
    rng = random.Random(seed)  # noqa: S311 - a drawing's layout, not a secret
    layer = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    width, height = size
    length, stroke = min(width, height) * 0.05, max(1, min(width, height) // 360)
    for _ in range(round(width * height * density / 3000)):
        x, y = rng.random() * width, rng.random() * height
        draw.line((x, y, x - length * 0.25, y + length), fill=(210, 220, 235, 150), width=stroke)
    return layer


def draw_keyframe(shot: KeyframeShot, product_photo: Path | None = None) -> Image.Image:
    """The still for one shot, at the shot's size; the same shot always draws the same picture."""
    seed = int.from_bytes(hashlib.sha256(f"{shot.prompt}|{shot.setting}".encode()).digest()[:8], "big")
    rng = random.Random(seed)  # noqa: S311 - a drawing's layout, not a secret
    scenery = read_scenery("studio" if shot.hero else shot.setting, "" if shot.hero else shot.prompt)
    pal = palette_for(scenery.time, shot.colours, rain=scenery.rain)
    image = Image.new("RGB", (shot.width, shot.height), pal.sky_low)
    spot = draw_place(Canvas(image, ImageDraw.Draw(image), pal, rng, scenery.time), scenery.place)
    if shot.mirrored:  # the set from the other side; the product (and its label) is placed after, unflipped
        image = image.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
        spot = replace(spot, x=shot.width - spot.x)
    frame = image.convert("RGBA")
    if shot.shows_product or shot.hero:
        product = (
            cut_out(product_photo)
            if product_photo is not None
            else drawn_pack(spot.height, pal.accent, pal.second, bottle=is_liquid(shot.prompt))
        )
        place_product(frame, product, spot)
    if scenery.rain:
        frame.alpha_composite(draw_rain(frame.size, seed))
    return frame.convert("RGB")

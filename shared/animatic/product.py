"""The product on screen: the user's photo cut out from its background, or a drawn pack.

A product photo is usually the product on a plain backdrop: the backdrop's colour is read from the
photo's border and made transparent, so the product stands in the scene as itself. Without a photo,
a pack in the brand's colours stands in: a box with a label band, or, for liquids, a bottle.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from shared.animatic.canvas import Spot
from shared.animatic.palette import RGB, darker, lighter

_BACKDROP_TOLERANCE = 48  # colour distance (0–441) still counted as the photo's backdrop
_LIQUID_WORDS = ("syrup", "liquid", "drink", "bottle", "spray", "lotion", "shampoo", "drops")


def cut_out(photo: Path) -> Image.Image:
    """The photo with its backdrop (the median colour of its border) made transparent, cropped to the product."""
    with Image.open(photo) as opened:
        rgb = np.asarray(opened.convert("RGB"), dtype=np.int16)
    border = np.concatenate([rgb[0], rgb[-1], rgb[:, 0], rgb[:, -1]])
    backdrop = np.median(border, axis=0)
    distance = np.sqrt(((rgb - backdrop) ** 2).sum(axis=2))
    alpha = np.clip((distance - _BACKDROP_TOLERANCE) * 6, 0, 255).astype(np.uint8)
    image = Image.fromarray(rgb.astype(np.uint8), "RGB").convert("RGBA")
    image.putalpha(Image.fromarray(alpha, "L").filter(ImageFilter.MedianFilter(3)))
    bbox = image.getbbox(alpha_only=True)
    return image.crop(bbox) if bbox else image


def drawn_pack(height: int, accent: RGB, second: RGB, *, bottle: bool) -> Image.Image:
    """A pack in the brand's colours: a box with a white label band, or a bottle with a cap."""
    width = round(height * (0.42 if bottle else 0.62))
    pack = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(pack)
    if bottle:
        neck = round(width * 0.36)
        draw.rectangle(((width - neck) // 2, 0, (width + neck) // 2, round(height * 0.12)), fill=darker(second, 0.3))
        draw.rounded_rectangle((0, round(height * 0.1), width - 1, height - 1), radius=width // 4, fill=accent)
    else:
        draw.rectangle((0, 0, width - 1, height - 1), fill=accent)
        draw.rectangle((0, 0, round(width * 0.12), height - 1), fill=darker(accent, 0.25))  # the box's side
    band = (round(height * 0.42), round(height * 0.64))
    draw.rectangle((round(width * 0.14), band[0], width - round(width * 0.06), band[1]), fill=lighter(second, 0.75))
    draw.rectangle((round(width * 0.2), band[0] + (band[1] - band[0]) // 3, width - round(width * 0.14),
                    band[0] + (band[1] - band[0]) // 2), fill=darker(accent, 0.1))  # fmt: skip
    return pack


def is_liquid(prompt: str) -> bool:
    return any(word in prompt.lower() for word in _LIQUID_WORDS)


def place_product(frame: Image.Image, product: Image.Image, spot: Spot) -> None:
    """Stand the product on its spot, scaled to the spot's height, with a soft contact shadow."""
    scale = spot.height / product.height
    sized = product.resize((max(1, round(product.width * scale)), spot.height), Image.Resampling.LANCZOS)
    left, top = spot.x - sized.width // 2, spot.base - sized.height
    shadow = Image.new("RGBA", frame.size, (0, 0, 0, 0))
    ImageDraw.Draw(shadow).ellipse(
        (
            left - sized.width * 0.1,
            spot.base - spot.height * 0.04,
            left + sized.width * 1.1,
            spot.base + spot.height * 0.04,
        ),
        fill=(0, 0, 0, 90),
    )
    frame.alpha_composite(shadow.filter(ImageFilter.GaussianBlur(max(1, spot.height // 30))))
    frame.alpha_composite(sized, (left, top))

"""The drawing surface of an animatic frame: shapes placed in fractions of the frame, in the palette's colours."""

from __future__ import annotations

import random
from dataclasses import dataclass

from PIL import Image, ImageDraw

from shared.animatic.palette import RGB, Palette, mix
from shared.animatic.setting import TimeOfDay


@dataclass(frozen=True)
class Spot:
    """Where the product stands: its centre x and its base y (pixels), and its height."""

    x: int
    base: int
    height: int


@dataclass
class Canvas:
    """One frame being drawn, addressed in fractions of its width and height so any aspect ratio works."""

    image: Image.Image
    draw: ImageDraw.ImageDraw
    pal: Palette
    rng: random.Random
    time: TimeOfDay

    @property
    def w(self) -> int:
        return self.image.width

    @property
    def h(self) -> int:
        return self.image.height

    def box(self, x0: float, y0: float, x1: float, y1: float, fill: RGB, *, outline: RGB | None = None) -> None:
        """A rectangle in fractions of the frame."""
        width = max(1, round(self.h * 0.004)) if outline else 0
        self.draw.rectangle(
            (round(x0 * self.w), round(y0 * self.h), round(x1 * self.w), round(y1 * self.h)),
            fill=fill, outline=outline, width=width,
        )  # fmt: skip

    def gradient(self, y0: float, y1: float, top: RGB, bottom: RGB) -> None:
        start, end = round(y0 * self.h), round(y1 * self.h)
        for y in range(start, end):
            self.draw.line((0, y, self.w, y), fill=mix(top, bottom, (y - start) / max(1, end - start - 1)))

    def sky(self, horizon: float) -> None:
        self.gradient(0, horizon, self.pal.sky_top, self.pal.sky_low)
        if self.time == "night":
            for _ in range(60):
                x, y = self.rng.random() * self.w, self.rng.random() * horizon * self.h * 0.8
                self.draw.point((x, y), fill=(230, 230, 210))
            self.disc(0.8, 0.14, 0.05, (240, 236, 210))
        elif self.time == "dawn":
            self.disc(0.25, horizon - 0.04, 0.07, (255, 200, 120))

    def disc(self, cx: float, cy: float, r: float, fill: RGB) -> None:
        radius = r * self.h
        self.draw.ellipse((cx * self.w - radius, cy * self.h - radius, cx * self.w + radius, cy * self.h + radius),
                          fill=fill)  # fmt: skip

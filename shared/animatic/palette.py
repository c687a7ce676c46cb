"""Colours of a drawn keyframe: the sky for the time of day, and the brand's colours for accents.

Places keep the colours that make them recognisable (green trees, blue sea, sand); the brand's colours
go where a set designer would put them: walls, furnishings, awnings, the product's pack.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.animatic.setting import TimeOfDay

RGB = tuple[int, int, int]
_DEFAULT_ACCENTS: tuple[RGB, RGB] = ((38, 110, 190), (236, 122, 60))


def hex_rgb(colour: str) -> RGB:
    value = colour.lstrip("#")
    return (int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16))


def mix(a: RGB, b: RGB, share_of_b: float) -> RGB:
    return (
        round(a[0] + (b[0] - a[0]) * share_of_b),
        round(a[1] + (b[1] - a[1]) * share_of_b),
        round(a[2] + (b[2] - a[2]) * share_of_b),
    )


def darker(colour: RGB, by: float) -> RGB:
    return mix(colour, (0, 0, 0), by)


def lighter(colour: RGB, by: float) -> RGB:
    return mix(colour, (255, 255, 255), by)


@dataclass(frozen=True)
class Palette:
    sky_top: RGB
    sky_low: RGB
    light: float  # 1 by day, less at dawn, low at night: scales the scenery's own colours
    accent: RGB  # the brand's main colour
    second: RGB  # its second colour (a lighter accent when it gave one)

    def lit(self, colour: RGB) -> RGB:
        return darker(colour, 1 - self.light)


_SKIES: dict[TimeOfDay, tuple[RGB, RGB, float]] = {
    "day": ((96, 160, 226), (196, 224, 246), 1.0),
    "dawn": ((238, 150, 110), (255, 218, 160), 0.88),
    "night": ((12, 18, 48), (44, 56, 98), 0.45),
}


def palette_for(time: TimeOfDay, colours: tuple[str, ...], *, rain: bool = False) -> Palette:
    top, low, light = _SKIES[time]
    if rain:  # overcast: grey the sky, dim the light
        top, low, light = mix(top, (120, 126, 136), 0.7), mix(low, (160, 166, 174), 0.7), light * 0.8
    accent = hex_rgb(colours[0]) if colours else _DEFAULT_ACCENTS[0]
    second = hex_rgb(colours[1]) if len(colours) > 1 else (lighter(accent, 0.55) if colours else _DEFAULT_ACCENTS[1])
    return Palette(sky_top=top, sky_low=low, light=light, accent=accent, second=second)

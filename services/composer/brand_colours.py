"""Brand colours made readable: a plate colour and a text colour whose contrast holds whatever the footage is.

A plate is drawn at `opacity` over the video, so what a viewer sees is `opacity × plate + (1 − opacity) × frame`.
For white text the worst frame behind it is white; for black text, black. The brand colour is kept when that
worst case already reaches the target contrast (WCAG ratio; the compliance rule fails below 4.5:1, aims at 7:1),
else it is darkened (white text) or lightened (black text) step by step until it does; of the two, the one
that moves the brand colour least wins.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.brand_kit import rgb

RGB = tuple[float, float, float]
TARGET_CONTRAST = 7.0
WHITE: RGB = (255.0, 255.0, 255.0)
BLACK: RGB = (0.0, 0.0, 0.0)
_STEPS = 40


@dataclass(frozen=True)
class PlateColours:
    plate: str  # "#RRGGBB", drawn at the plate's opacity
    text: str  # "#FFFFFF" or "#000000"
    shifted: float  # how far the brand colour was moved towards black or white (0: kept as given)


def luminance(colour: RGB) -> float:
    """WCAG relative luminance of an sRGB colour in 0..255."""
    linear = [c / 255 / 12.92 if c / 255 <= 0.04045 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in colour]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: RGB, b: RGB) -> float:
    la, lb = luminance(a), luminance(b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def _mix(a: RGB, b: RGB, t: float) -> RGB:
    return (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t)


def worst_contrast(plate: RGB, text: RGB, opacity: float) -> float:
    """Text against the plate over the frame that hurts it most (white behind white text, black behind black)."""
    return contrast(text, _mix(text, plate, opacity))


def _hex(colour: RGB) -> str:
    return "#" + "".join(f"{round(c):02X}" for c in colour)


def _least_shift(brand: RGB, text: RGB, opacity: float, target: float) -> float | None:
    towards = BLACK if text == WHITE else WHITE
    for step in range(_STEPS + 1):
        if worst_contrast(_mix(brand, towards, step / _STEPS), text, opacity) >= target:
            return step / _STEPS
    return None


def readable_plate(brand: str, *, opacity: float, target: float = TARGET_CONTRAST) -> PlateColours:
    """The plate colour nearest the brand colour, and the text colour, meeting `target` over any footage."""
    red, green, blue = rgb(brand)
    colour: RGB = (float(red), float(green), float(blue))
    options = []
    for text in (WHITE, BLACK):
        shift = _least_shift(colour, text, opacity, target)
        if shift is not None:
            options.append((shift, text))
    if not options:
        raise ValueError(f"no plate colour reaches {target}:1 at opacity {opacity}")
    shift, text = min(options, key=lambda option: option[0])  # white first on a tie
    towards = BLACK if text == WHITE else WHITE
    return PlateColours(_hex(_mix(colour, towards, shift)), _hex(text), shift)

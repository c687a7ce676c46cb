"""A scene's look for local footage: palette, camera move and soft shapes, derived deterministically.

The same scene always gets the same look; different scenes (prompt, setting, index) get different
ones. The setting word picks a mood palette when it is one we know; the prompt's hash varies the rest.
"""

from __future__ import annotations

import colorsys
import hashlib
from dataclasses import dataclass

from shared.script import Scene

# Base hue (0–1) per setting word: warm for mornings, cool for clinics, green outdoors.
_SETTING_HUES: dict[str, float] = {
    "sunrise": 0.08,
    "morning": 0.10,
    "kitchen": 0.09,
    "home": 0.07,
    "sunset": 0.03,
    "clinic": 0.55,
    "office": 0.58,
    "lab": 0.52,
    "night": 0.66,
    "city": 0.62,
    "park": 0.30,
    "garden": 0.27,
    "outdoors": 0.33,
    "beach": 0.50,
    "ocean": 0.53,
    "product": 0.60,
    "family": 0.06,
    "bedroom": 0.72,
}


@dataclass(frozen=True)
class Blob:
    """A soft light shape drifting slowly across the frame (positions are fractions of the frame)."""

    color: str
    size: float  # fraction of the frame height
    period_s: float
    phase: float
    y: float


@dataclass(frozen=True)
class SceneLook:
    colors: tuple[str, str, str]
    seed: int
    gradient_speed: float
    zoom_in: bool
    zoom_amount: float  # total zoom change over the clip, e.g. 0.06 = 6 %
    blobs: tuple[Blob, ...]


def _hex(hue: float, lightness: float, saturation: float) -> str:
    r, g, b = colorsys.hls_to_rgb(hue % 1.0, lightness, saturation)
    return f"0x{round(r * 255):02x}{round(g * 255):02x}{round(b * 255):02x}"


def look_for(scene: Scene) -> SceneLook:
    digest = hashlib.sha256(f"{scene.visual_prompt}|{scene.setting}|{scene.index}".encode()).digest()
    unit = [byte / 255 for byte in digest]  # 32 deterministic numbers in 0..1
    hue = _SETTING_HUES.get(scene.setting.strip().lower(), unit[0])
    hue += (unit[1] - 0.5) * 0.08 + scene.index * 0.04
    colors = (
        _hex(hue, 0.22 + unit[2] * 0.1, 0.55),
        _hex(hue + 0.06 + unit[3] * 0.05, 0.55 + unit[4] * 0.1, 0.65),
        _hex(hue - 0.08 - unit[5] * 0.05, 0.78, 0.45),
    )
    blobs = tuple(
        Blob(
            color=_hex(hue + 0.5 * unit[6 + i], 0.85, 0.6),
            size=0.35 + unit[9 + i] * 0.3,
            period_s=14 + unit[12 + i] * 10,
            phase=unit[15 + i] * 6.28,
            y=0.15 + unit[18 + i] * 0.5,
        )
        for i in range(2 + digest[21] % 2)
    )
    return SceneLook(
        colors=colors,
        seed=int.from_bytes(digest[22:26], "big"),
        gradient_speed=0.01 + unit[26] * 0.02,
        zoom_in=digest[27] % 2 == 0,
        zoom_amount=0.05 + unit[28] * 0.04,
        blobs=blobs,
    )

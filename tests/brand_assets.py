"""Small real files for the asset and brand-kit tests: PNGs drawn in numpy, an SVG logo, system fonts."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np
import numpy.typing as npt

BRAND_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf")  # fonts-dejavu-core: always there
LOGO_SVG = b"""<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="240" height="120" viewBox="0 0 240 120">
  <rect width="240" height="120" rx="18" fill="#F4B400"/>
  <circle cx="60" cy="60" r="36" fill="#0B3D91"/>
  <path d="M120 24 L216 24 L168 96 Z" fill="#FFFFFF"/>
</svg>
"""


def png_bytes(rgba: npt.NDArray[np.uint8]) -> bytes:
    """An RGBA image as a PNG file (no filter, zlib), enough for a real decoder."""
    height, width = rgba.shape[:2]
    raw = b"".join(b"\x00" + rgba[row].tobytes() for row in range(height))

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def logo_pixels(width: int = 240, height: int = 120) -> npt.NDArray[np.uint8]:
    """A logo with structure a template match can lock onto: a yellow card, a blue disc, a white triangle."""
    image = np.zeros((height, width, 4), np.uint8)
    image[..., :3] = (0xF4, 0xB4, 0x00)
    image[..., 3] = 255
    yy, xx = np.mgrid[0:height, 0:width]
    disc = (xx - width * 0.25) ** 2 + (yy - height * 0.5) ** 2 <= (height * 0.3) ** 2
    image[disc, :3] = (0x0B, 0x3D, 0x91)
    top, bottom = height * 0.2, height * 0.8
    t = (yy - top) / (bottom - top)
    triangle = (yy >= top) & (yy <= bottom) & (np.abs(xx - width * 0.7) <= (1 - t) * width * 0.2)
    image[triangle, :3] = 255
    return image


def photo_pixels(width: int = 320, height: int = 240) -> npt.NDArray[np.uint8]:
    """A product shot stand-in: a bottle shape on a gradient."""
    image = np.zeros((height, width, 4), np.uint8)
    image[..., 0] = np.linspace(200, 60, width, dtype=np.uint8)[None, :]
    image[..., 1] = np.linspace(80, 180, height, dtype=np.uint8)[:, None]
    image[..., 2] = 120
    image[..., 3] = 255
    image[height // 4 :, width // 2 - 30 : width // 2 + 30, :3] = (240, 240, 250)
    return image

"""Independent measurements of an ad's statement, for tests: OCR, the plate and text from pixels, stem loudness.

Nothing here reads the composer's plan: a frame is decoded with ffmpeg and read with tesseract and numpy,
stems are measured with ffmpeg's ebur128.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

Rgb = npt.NDArray[np.uint8]


def frame_rgb(video: Path, at_s: float, size: tuple[int, int]) -> Rgb:
    out = subprocess.run(
        ["ffmpeg", "-v", "error", "-ss", f"{at_s:.3f}", "-i", str(video), "-frames:v", "1",
         "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
        check=True, capture_output=True,
    ).stdout  # fmt: skip
    width, height = size
    return np.frombuffer(out[: width * height * 3], dtype=np.uint8).reshape(height, width, 3)


def ocr_words(image: Rgb, work: Path) -> list[str]:
    """The lower-cased words tesseract reads in the frame (grey and negated: tesseract reads dark on light best)."""
    png = work / "ocr.png"
    height, width, _ = image.shape
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{width}x{height}", "-i", "-",
         "-vf", "format=gray,negate", str(png)],
        input=image.tobytes(), check=True,
    )  # fmt: skip
    text = subprocess.run(["tesseract", str(png), "-", "--psm", "11"], check=True, capture_output=True, text=True)
    return re.findall(r"[a-z0-9]+", text.stdout.lower())


def word_share(expected: str, seen: list[str]) -> float:
    """The share of the expected words found among those read (each seen word used once)."""
    wanted = re.findall(r"[a-z0-9]+", expected.lower())
    pool = list(seen)
    found = 0
    for word in wanted:
        if word in pool:
            pool.remove(word)
            found += 1
    return found / len(wanted) if wanted else 0.0


def luminance(rgb: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    c = rgb / 255.0
    linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    result: npt.NDArray[np.float64] = linear @ np.array([0.2126, 0.7152, 0.0722])
    return result


@dataclass(frozen=True)
class Plate:
    box: tuple[int, int, int, int]  # left, top, right, bottom
    line_ink_px: list[int]  # each text line's height, top of its tallest glyph to bottom of its lowest
    contrast: float  # WCAG ratio of the text to the plate around it


def find_plate(image: Rgb) -> Plate | None:
    """The largest dark, opaque rectangle holding light text, measured from the pixels alone."""
    lum = luminance(image.astype(np.float64))
    dark = lum < 0.03
    rows = np.flatnonzero(dark.mean(axis=1) > 0.15)  # a plate row: dark between its glyphs
    if rows.size == 0:
        return None
    runs = np.split(rows, np.flatnonzero(np.diff(rows) > 1) + 1)
    tallest = max(runs, key=len)
    top, bottom = int(tallest[0]), int(tallest[-1]) + 1
    light = lum > 0.5
    cols = np.flatnonzero((dark[top:bottom] | light[top:bottom]).mean(axis=0) > 0.97)
    if cols.size == 0:
        return None
    left, right = int(cols[0]), int(cols[-1]) + 1
    inside_light, inside_dark = light[top:bottom, left:right], dark[top:bottom, left:right]
    text_rows = np.flatnonzero(inside_light.any(axis=1))
    lines = np.split(text_rows, np.flatnonzero(np.diff(text_rows) > 1) + 1) if text_rows.size else []
    ink = [int(line[-1] - line[0] + 1) for line in lines if line.size]
    text_lum = float(np.median(lum[top:bottom, left:right][inside_light])) if inside_light.any() else 0.0
    plate_lum = float(np.percentile(lum[top:bottom, left:right][inside_dark], 90)) if inside_dark.any() else 1.0
    contrast = (max(text_lum, plate_lum) + 0.05) / (min(text_lum, plate_lum) + 0.05)
    return Plate((left, top, right, bottom), ink, round(contrast, 2))


def short_term_lufs(path: Path) -> list[tuple[float, float]]:
    """(time, short-term loudness) every 0.1 s, from ffmpeg's ebur128."""
    err = subprocess.run(
        ["ffmpeg", "-nostdin", "-hide_banner", "-i", str(path), "-af", "ebur128", "-f", "null", "-"],
        check=True, capture_output=True, text=True,
    ).stderr  # fmt: skip
    return [(float(t), float(s)) for t, s in re.findall(r"t:\s*([\d.]+)\s+TARGET.*?S:\s*(-?[\d.]+|-inf)", err)
            if s != "-inf"]  # fmt: skip


def music_margin_db(voice: Path, music: Path, span: tuple[float, float]) -> float:
    """How far the music sits under the voice over `span`: the voice's median short-term loudness there less
    the music's loudest."""
    voice_there = [s for t, s in short_term_lufs(voice) if span[0] + 3 <= t <= span[1]]
    music_there = [s for t, s in short_term_lufs(music) if span[0] + 3 <= t <= span[1]]
    return float(np.median(voice_there)) - max(music_there, default=-120.0)

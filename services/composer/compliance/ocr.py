"""OCR of sampled frames with tesseract (Debian's `tesseract-ocr`): words, their boxes and their lines.

Frames are downscaled so the long side is ~960 px (statement text stays ≥ 20 px tall, tesseract's comfort
zone) and inverted (the ad's text is light on dark). Boxes come back in full-frame pixels.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

import numpy as np

from services.composer.compliance.frames import Frame
from shared.ffmpeg import run_tool

OCR_LONG_SIDE = 960
MIN_CONFIDENCE = 50.0  # below it tesseract is mostly reading a picture's shapes as letters ("ener" off a window at 33)
_ALNUM = re.compile(r"[A-Za-z0-9]")
_TOKEN = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")


@dataclass(frozen=True)
class Word:
    text: str
    confidence: float
    left: int
    top: int
    width: int
    height: int
    line: tuple[int, int, int]  # tesseract's (block, paragraph, line)


@dataclass(frozen=True)
class Line:
    words: tuple[Word, ...]

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def box(self) -> tuple[int, int, int, int]:
        """left, top, right, bottom in frame pixels."""
        return (min(w.left for w in self.words), min(w.top for w in self.words),
                max(w.left + w.width for w in self.words), max(w.top + w.height for w in self.words))  # fmt: skip


def tokens(text: str) -> list[str]:
    """Lower-case words and numbers, punctuation dropped: what OCR and speech can both be compared on."""
    return _TOKEN.findall(text.lower().replace("’", "'"))


def token_ratio(expected: list[str], found: list[str]) -> float:
    """Share of the expected tokens found, in order (difflib's matching blocks)."""
    if not expected:
        return 1.0
    matcher = SequenceMatcher(a=expected, b=found, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks()) / len(expected)


def ocr_scale(size: tuple[int, int]) -> float:
    return min(1.0, OCR_LONG_SIDE / max(size))


def ocr_image(frame: Frame, scale: float) -> bytes:
    """An inverted grey PGM of the frame at `scale` (nearest-neighbour is enough at ≥ 0.5)."""
    gray = (frame[..., 0] * 0.299 + frame[..., 1] * 0.587 + frame[..., 2] * 0.114).astype(np.uint8)
    if scale < 1.0:
        step = round(1 / scale)
        height, width = gray.shape
        gray = gray[: height - height % step, : width - width % step]
        gray = gray.reshape(height // step, step, width // step, step).mean(axis=(1, 3)).astype(np.uint8)
    inverted = 255 - gray
    height, width = inverted.shape
    pixels: bytes = inverted.tobytes()
    return f"P5\n{width} {height}\n255\n".encode() + pixels


def parse_tsv(tsv: str, scale: float) -> list[Word]:
    """Tesseract's words, in frame pixels. A "word" with no letter or digit is not text: it is a
    picture's edge read as a glyph (a table leg, a tree trunk or a window frame comes back as `|`)."""
    words = []
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5" or not _ALNUM.search(cols[11]):
            continue
        confidence = float(cols[10])
        if confidence < MIN_CONFIDENCE:
            continue
        left, top, width, height = (round(int(v) / scale) for v in cols[6:10])
        words.append(Word(cols[11].strip(), confidence, left, top, width, height, (int(cols[2]), int(cols[3]),
                                                                                   int(cols[4]))))  # fmt: skip
    return words


def lines_of(words: list[Word]) -> list[Line]:
    grouped: dict[tuple[int, int, int], list[Word]] = {}
    for word in words:
        grouped.setdefault(word.line, []).append(word)
    return [Line(tuple(ws)) for ws in grouped.values()]


async def read_words(frame: Frame, workdir: Path, name: str, *, timeout_s: float = 60.0) -> list[Word]:
    height, width = frame.shape[:2]
    scale = ocr_scale((width, height))
    step = round(1 / scale) if scale < 1.0 else 1
    image = workdir / f"{name}.pgm"
    image.write_bytes(ocr_image(frame, scale))
    tsv = await run_tool(["tesseract", str(image), "stdout", "-l", "eng", "--psm", "3", "tsv"], timeout_s=timeout_s,
                         env={"OMP_THREAD_LIMIT": "1"})  # fmt: skip
    return parse_tsv(tsv.decode(errors="replace"), 1 / step)

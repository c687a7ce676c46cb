"""What text goes on screen, where and when: scene titles and the Important Safety Information.

drawtext neither wraps nor shrinks text, so both happen here: lines are wrapped in Python and the font
size is clamped to the frame width (a 9:16 frame gets fewer characters per line, not text off-screen).
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from shared.script import Script

CHAR_WIDTH_EM = 0.6  # DejaVu Sans Bold averages a little under 0.6 em per character
ISI_HEADING = "IMPORTANT SAFETY INFORMATION"
ISI_MIN_SHOWN_S = 6.0
ISI_BAND_FRACTION = 0.30  # the lower third, a little less


@dataclass(frozen=True)
class TextOverlay:
    text: str  # already wrapped; written to a file and drawn with `textfile=`
    font_size: int
    x: str
    y: str
    start_s: float
    end_s: float
    bold: bool = True
    box: bool = False


@dataclass(frozen=True)
class Band:
    """A translucent box behind the safety information."""

    y: int
    height: int
    start_s: float
    end_s: float


@dataclass(frozen=True)
class OverlayPlan:
    texts: tuple[TextOverlay, ...]
    bands: tuple[Band, ...]


def _fit(text: str, *, width: int, max_size: int, line_chars: int) -> tuple[str, int]:
    lines = textwrap.wrap(" ".join(text.split()), line_chars) or [""]
    widest = max(len(line) for line in lines)
    size = min(max_size, int(width * 0.9 / (CHAR_WIDTH_EM * max(widest, 1))))
    return "\n".join(lines), max(size, 10)


def scene_titles(script: Script, size: tuple[int, int]) -> list[TextOverlay]:
    width, height = size
    line_chars = 26 if width >= height else 16
    titles = []
    for scene, start in zip(script.scenes, script.scene_starts(), strict=True):
        if not scene.on_screen_text.strip():
            continue
        text, font_size = _fit(scene.on_screen_text, width=width, max_size=round(height * 0.07), line_chars=line_chars)
        end = start + scene.duration_s
        titles.append(
            TextOverlay(text, font_size, x="(w-text_w)/2", y="h*0.30-text_h/2", start_s=start + 0.3, end_s=end - 0.2,
                        box=True)
        )  # fmt: skip
    return titles


def isi_window(script: Script) -> tuple[float, float]:
    """From the last scene's start (or earlier, so it shows for ISI_MIN_SHOWN_S) to the end."""
    start = min(script.scene_starts()[-1], max(0.0, script.duration_s - ISI_MIN_SHOWN_S))
    return start, script.duration_s


def safety_overlays(script: Script, size: tuple[int, int]) -> tuple[list[TextOverlay], list[Band]]:
    """The ISI lower third: heading plus the safety text at the largest size whose wrapped lines fit."""
    width, height = size
    band_h = round(height * ISI_BAND_FRACTION) // 2 * 2
    band_y = height - band_h
    start, end = isi_window(script)
    margin = round(width * 0.04)
    heading_size = max(8, int(min(height * 0.032, (width - 2 * margin) / (CHAR_WIDTH_EM * len(ISI_HEADING)))))
    text_top = band_y + round(heading_size * 1.8)
    available_h = height - text_top - round(height * 0.03)
    body = " ".join(script.safety_text.split())
    for font_size in range(max(12, round(height * 0.03)), 9, -1):
        line_chars = max(10, int((width - 2 * margin) / (CHAR_WIDTH_EM * 0.95 * font_size)))
        lines = textwrap.wrap(body, line_chars)
        if len(lines) * font_size * 1.25 <= available_h:
            break
    else:  # too long even at the smallest size: keep what fits, and say that there is more
        max_lines = max(1, int(available_h / (font_size * 1.25)))
        lines = [*lines[: max_lines - 1], lines[max_lines - 1][: line_chars - 1] + "…"]
    texts = [
        TextOverlay(ISI_HEADING, heading_size, x=str(margin), y=str(band_y + round(heading_size * 0.6)), start_s=start,
                    end_s=end),
        TextOverlay("\n".join(lines), font_size, x=str(margin), y=str(text_top), start_s=start, end_s=end, bold=False),
    ]  # fmt: skip
    return texts, [Band(band_y, band_h, start, end)]


def overlay_plan(script: Script, size: tuple[int, int]) -> OverlayPlan:
    texts = scene_titles(script, size)
    bands: list[Band] = []
    if script.ad_type == "pharmaceutical" and script.safety_text.strip():
        isi_texts, bands = safety_overlays(script, size)
        texts += isi_texts
    return OverlayPlan(tuple(texts), tuple(bands))

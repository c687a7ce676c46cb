"""Pixel measurements on rendered frames: text line height, text-to-plate contrast, safe area, page timing.

Where to look comes from OCR line boxes; what is measured comes from the frame's own pixels. Contrast is
WCAG's ratio of relative luminances, taken between the glyphs' cores and the brightest (for light text)
tenth of the plate around them: the worst case a viewer meets on that line.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from services.composer.compliance.frames import Frame, Strip
from services.composer.compliance.ocr import Line

Box = tuple[int, int, int, int]  # left, top, right, bottom


@dataclass(frozen=True)
class LineMetrics:
    ink_height_px: int  # from the top of the tallest glyph to the bottom of the lowest, on this line
    contrast: float


def relative_luminance(rgb: npt.NDArray[np.uint8]) -> npt.NDArray[np.float64]:
    c = rgb.astype(np.float64) / 255.0
    linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    result: npt.NDArray[np.float64] = linear @ np.array([0.2126, 0.7152, 0.0722])
    return result


def _otsu(values: npt.NDArray[np.float64]) -> float:
    hist, edges = np.histogram(values, bins=64, range=(0.0, 1.0))
    weights = hist.astype(np.float64)
    centers = (edges[:-1] + edges[1:]) / 2
    best, threshold = -1.0, 0.5
    for k in range(1, len(hist)):
        w0, w1 = weights[:k].sum(), weights[k:].sum()
        if w0 == 0 or w1 == 0:
            continue
        m0 = (weights[:k] * centers[:k]).sum() / w0
        m1 = (weights[k:] * centers[k:]).sum() / w1
        between = w0 * w1 * (m0 - m1) ** 2
        if between > best:
            best, threshold = between, float(edges[k])
    return threshold


def line_metrics(frame: Frame, box: Box) -> LineMetrics | None:
    """Ink height and contrast of one text line; None when the box holds no two-tone text."""
    height, width = frame.shape[:2]
    left, top, right, bottom = box
    pad = max(2, (bottom - top) // 6)
    crop = frame[max(0, top - pad) : min(height, bottom + pad), max(0, left - pad) : min(width, right + pad)]
    if crop.size == 0:
        return None
    luminance = relative_luminance(crop)
    threshold = _otsu(luminance.ravel())
    light = luminance > threshold
    text_is_light = light.mean() < 0.5  # glyphs cover less of their box than the plate does
    text = light if text_is_light else ~light
    if not text.any() or text.all():
        return None
    rows = np.flatnonzero(text.sum(axis=1) >= 2)
    ink = int(rows[-1] - rows[0] + 1)
    glyphs, plate = luminance[text], luminance[~text]
    if text_is_light:
        text_l, plate_l = float(np.percentile(glyphs, 90)), float(np.percentile(plate, 90))
    else:
        text_l, plate_l = float(np.percentile(glyphs, 10)), float(np.percentile(plate, 10))
    contrast = (max(text_l, plate_l) + 0.05) / (min(text_l, plate_l) + 0.05)
    return LineMetrics(ink_height_px=ink, contrast=round(contrast, 2))


def inside_safe_area(box: Box, size: tuple[int, int], fraction: float) -> bool:
    width, height = size
    margin_x, margin_y = width * (1 - fraction) / 2, height * (1 - fraction) / 2
    left, top, right, bottom = box
    return left >= margin_x and top >= margin_y and right <= width - margin_x and bottom <= height - margin_y


def union_box(lines: list[Line]) -> Box:
    boxes = [line.box for line in lines]
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def shown_window(strip: Strip, box: Box, at_s: float) -> tuple[float, float]:
    """When the text seen at `at_s` in `box` is on screen: the run of strip frames around `at_s` whose
    region differs from that frame by less than half the largest difference (a fade counts from its middle)."""
    left, top, right, bottom = (round(v * strip.scale) for v in box)
    region = strip.frames[:, top : max(bottom, top + 1), left : max(right, left + 1)].astype(np.int16)
    ref_index = strip.index_at(at_s)
    diffs = np.abs(region - region[ref_index]).mean(axis=(1, 2))
    shown = diffs < max(6.0, float(diffs.max()) / 2)
    first = ref_index
    while first > 0 and shown[first - 1]:
        first -= 1
    last = ref_index
    while last < len(shown) - 1 and shown[last + 1]:
        last += 1
    return round(strip.time_of(first), 3), round(strip.time_of(last + 1), 3)

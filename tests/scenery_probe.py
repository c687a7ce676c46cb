"""Measurable properties of a drawn frame that tell its setting, as a viewer would read it: trunks in a
forest, a straight horizon over open water, a stepped skyline, a window and a table, falling streaks.

Each `looks_like_<place>` is a small detector built from those measurements (numpy on RGB pixels);
the tests show each one true on its own setting's drawing and false on every other.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageFilter

Pixels = np.ndarray


class Picture:
    """A frame's pixels as drawn (`raw`: fine lines like waves and rain) and with thin lines filtered out
    (`shapes`: the large shapes a setting is recognised by, unchanged by rain falling over them)."""

    def __init__(self, image: Image.Image) -> None:
        self.raw = pixels(image)
        self.shapes = pixels(image.convert("RGB").filter(ImageFilter.MedianFilter(5)))


def pixels(image: Image.Image) -> Pixels:
    return np.asarray(image.convert("RGB"), dtype=np.int32)


def _rows(px: Pixels, top: float, bottom: float) -> Pixels:
    height = px.shape[0]
    return px[int(height * top) : int(height * bottom)]


def _share(mask: Pixels) -> float:
    return float(mask.mean()) if mask.size else 0.0


def green(px: Pixels) -> Pixels:
    r, g, b = px[..., 0], px[..., 1], px[..., 2]
    return (g > r + 20) & (g > b + 10)


def sky_blue(px: Pixels) -> Pixels:
    r, b = px[..., 0], px[..., 2]
    return (b > r + 40) & (b > 150)


def water(px: Pixels) -> Pixels:
    r, b = px[..., 0], px[..., 2]
    return (b > r + 50) & (b < 200)


def sand(px: Pixels) -> Pixels:
    r, g, b = px[..., 0], px[..., 1], px[..., 2]
    return (r > 160) & (g > 140) & (r - b > 40)


def wood(px: Pixels) -> Pixels:
    r, g, b = px[..., 0], px[..., 1], px[..., 2]
    return (r - b > 55) & (g < r - 25) & (r > 90)


def trunk(px: Pixels) -> Pixels:
    r, g, b = px[..., 0], px[..., 1], px[..., 2]
    return (r > g + 8) & (r > b + 25) & (r < 170)


def _runs(flags: Pixels) -> list[tuple[int, int]]:
    """(start, length) of each run of True in a 1-D array."""
    padded = np.concatenate([[False], flags.astype(bool), [False]])
    edges = np.flatnonzero(padded[1:] != padded[:-1])
    return [(int(s), int(e - s)) for s, e in zip(edges[::2], edges[1::2], strict=True)]


def trunk_count(px: Pixels) -> int:
    """Vertical brown runs through the middle band, each narrower than 6% of the frame: tree trunks."""
    band = _rows(px, 0.42, 0.6)
    columns = trunk(band).mean(axis=0) >= 0.8
    return sum(1 for _, width in _runs(columns) if width <= 0.06 * px.shape[1])


def straight_lines(px: Pixels) -> list[float]:
    """Where (fractions of the height) straight horizontal edges cross the whole frame, top first."""
    luma = px.mean(axis=2)
    height = px.shape[0]
    edges = np.abs(np.diff(luma, axis=0)) > 12  # row r: a change between rows r and r+1
    across = np.flatnonzero(
        np.array([edges[max(0, r - 1) : r + 2].any(axis=0).mean() for r in range(height - 1)]) >= 0.97
    )
    return [start / height for start, _ in _runs(np.isin(np.arange(height), across))]


def waves(px: Pixels) -> float:
    """Share of light crests on water: pixels much lighter than the water around them."""
    luma = px.mean(axis=2)
    return _share(luma > np.median(luma) + 40)


def skyline(px: Pixels) -> Pixels:
    """Per column, the first row (fraction) where the picture changes sharply from the row above: the
    outline of whatever stands against the sky (a sky's own gradient changes too slowly to count)."""
    jumps = np.abs(np.diff(px, axis=0)).sum(axis=2) > 40
    first = np.where(jumps.any(axis=0), jumps.argmax(axis=0) + 1, px.shape[0])
    return first / px.shape[0]


def skyline_steps(px: Pixels) -> tuple[int, float]:
    """How many sudden steps the skyline takes, and the share of columns where it stays flat."""
    line = skyline(px)
    change = np.abs(np.diff(line))
    return int((change > 0.02).sum()), float((change < 1.5 / px.shape[0]).mean())


def streaks(px: Pixels) -> float:
    """Share of pixels on thin bright slanted streaks (rain): brighter than the pixels beside them, with
    the streak continuing down and to the left and not straight down."""
    luma = px.mean(axis=2)
    side = np.maximum(np.roll(luma, 3, axis=1), np.roll(luma, -3, axis=1))
    bright = luma > side + 12

    def at(down: int, left: int) -> Pixels:
        return np.roll(np.roll(bright, -down, axis=0), left, axis=1)

    return _share(bright & at(4, 1) & at(8, 2) & at(12, 3) & ~at(8, 0) & ~at(8, 4))


def window_columns(px: Pixels) -> int:
    """Runs of columns with lit window panes between the rooftops and the street (a city's facades)."""
    band = _rows(px, 0.62, 0.76).mean(axis=2)
    lit = (band > np.median(band, axis=0) + 25).mean(axis=0) > 0.15
    return len(_runs(lit))


def window_panes(px: Pixels) -> int:
    """Runs of columns whose upper band differs from the wall below it: window panes (and what hangs there)."""
    wall = np.median(_rows(px, 0.48, 0.5).reshape(-1, 3), axis=0)
    band = _rows(px, 0.15, 0.3)
    return len(_runs((np.abs(band - wall).sum(axis=2) > 60).mean(axis=0) > 0.5))


def looks_like_forest(pic: Picture) -> bool:
    """Many tree trunks standing under green canopies."""
    return trunk_count(pic.shapes) >= 6 and _share(green(_rows(pic.shapes, 0.1, 0.45))) > 0.25


def looks_like_sea(pic: Picture) -> bool:
    """A straight horizon with open water below it to the bottom of the frame, crested with waves."""
    for line in straight_lines(pic.shapes):
        if 0.25 < line < 0.7 and _share(water(_rows(pic.shapes, line + 0.03, 1.0))) > 0.8:
            return 0.01 < waves(_rows(pic.raw, line + 0.03, 1.0)) < 0.3
    return False


def looks_like_beach(pic: Picture) -> bool:
    """A straight horizon over a band of water, and sand in the foreground."""
    return _share(sand(_rows(pic.shapes, 0.7, 1.0))) > 0.7 and any(
        0.25 < line < 0.6 and _share(water(_rows(pic.shapes, line + 0.03, line + 0.12))) > 0.5
        for line in straight_lines(pic.shapes)
    )


def looks_like_city(pic: Picture) -> bool:
    """A skyline of flat roofs at many heights, and facades full of lit windows."""
    steps, flat = skyline_steps(pic.shapes)
    return steps >= 8 and flat > 0.7 and window_columns(pic.shapes) >= 12


def looks_like_mountains(pic: Picture) -> bool:
    """A skyline rising and falling in long slopes, no roofs or trunks, snow on the peaks."""
    line = skyline(pic.shapes)
    steps, _ = skyline_steps(pic.shapes)
    snow = _share(_rows(pic.raw, 0.0, 0.6).min(axis=2) > 245)
    return float(line.max() - line.min()) > 0.15 and steps <= 3 and trunk_count(pic.shapes) <= 2 and snow > 0.0005


def looks_like_kitchen(pic: Picture) -> bool:
    """A window in the wall, and a table: a thin wooden band across most of the frame below it; no bed."""
    px = pic.shapes
    wood_rows = wood(_rows(px, 0.5, 1.0)).mean(axis=1) > 0.6
    table = [length for _, length in _runs(wood_rows) if 0.015 * px.shape[0] <= length <= 0.08 * px.shape[0]]
    return (
        window_panes(px) >= 1
        and bool(table)
        and _share(green(_rows(px, 0.6, 1.0))) < 0.2
        and not looks_like_bedroom(pic)
    )


def looks_like_park(pic: Picture) -> bool:
    """Open sky over a lawn, with a few trees (not a forest's many)."""
    px = pic.shapes
    return (
        _share(green(_rows(px, 0.6, 1.0))) > 0.5
        and _share(sky_blue(_rows(px, 0.0, 0.25))) > 0.4
        and trunk_count(px) <= 4
    )


def looks_like_bedroom(pic: Picture) -> bool:
    """A lit lamp, and a bed: one colour (the duvet) across half the frame low down."""
    px = pic.shapes
    r, g, b = px[..., 0], px[..., 1], px[..., 2]
    lamp = _share((r > 240) & (g > 200) & (b > 120) & (b < 190))
    duvet = _rows(px, 0.7, 0.85)
    same = (np.abs(duvet - np.median(duvet.reshape(-1, 3), axis=0)).sum(axis=2) < 12).mean()
    return 0.001 < lamp < 0.03 and same > 0.45


def looks_like_office(pic: Picture) -> bool:
    """A row of windows, and a screen: one dark rectangle filling its own outline."""
    px = pic.shapes
    dark = px.max(axis=2) < 50
    if not (0.005 < _share(dark) < 0.1 and window_panes(px) >= 4):
        return False
    ys, xs = np.nonzero(dark)
    width, height = (xs.max() - xs.min()) / px.shape[1], (ys.max() - ys.min()) / px.shape[0]
    return 0.15 < width < 0.4 and 0.1 < height < 0.35


def looks_like_clinic(pic: Picture) -> bool:
    """A pharmacy's green cross on the wall: a plus, its corners empty."""
    px = pic.shapes
    r, g, b = px[..., 0], px[..., 1], px[..., 2]
    cross = (g > 120) & (g > r + 80) & (g > b + 40)
    if not 0.002 < _share(cross) < 0.05:
        return False
    ys, xs = np.nonzero(cross)
    corner = cross[ys.min() : ys.min() + (ys.max() - ys.min()) // 5, xs.min() : xs.min() + (xs.max() - xs.min()) // 5]
    return _share(corner) < 0.2


def looks_like_studio(pic: Picture) -> bool:
    """A plain backdrop (every upper row one colour either side of the subject) and a white plinth in the middle."""
    top = _rows(pic.shapes, 0.0, 0.4)
    width = top.shape[1]
    top = np.concatenate([top[:, : int(width * 0.3)], top[:, int(width * 0.7) :]], axis=1)
    uniform_rows = float((top.std(axis=1).max(axis=1) < 6).mean())
    plinth = _rows(pic.shapes, 0.6, 0.74)[:, int(pic.shapes.shape[1] * 0.4) : int(pic.shapes.shape[1] * 0.6)]
    return uniform_rows > 0.95 and _share(plinth.min(axis=2) > 180) > 0.5


def looks_rainy(pic: Picture) -> bool:
    """Thin bright streaks slanting down across the frame."""
    return streaks(pic.raw) > 0.0003


DETECTORS = {
    "forest": looks_like_forest, "sea": looks_like_sea, "beach": looks_like_beach, "city": looks_like_city,
    "kitchen": looks_like_kitchen, "park": looks_like_park, "bedroom": looks_like_bedroom,
    "office": looks_like_office, "mountains": looks_like_mountains, "clinic": looks_like_clinic,
    "studio": looks_like_studio,
}  # fmt: skip

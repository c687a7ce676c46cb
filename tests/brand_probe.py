"""Independent measurements of the brand on rendered frames: the logo by normalised cross-correlation, a plate's
colour by pixel sampling, the title's typeface by comparing its glyph shapes with reference renders.

Nothing here reads the composer's plan: frames come from ffmpeg, references are rendered here with ffmpeg.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from tests.statement_probe import Rgb, luminance

Grey = npt.NDArray[np.float64]


def _raw(args: list[str], width: int, height: int, channels: int) -> npt.NDArray[np.uint8]:
    out = subprocess.run(["ffmpeg", "-v", "error", *args, "-f", "rawvideo", "-"], check=True, capture_output=True)
    return np.frombuffer(out.stdout[: width * height * channels], np.uint8).reshape(height, width, channels)


def grey(image: Rgb) -> Grey:
    return image.astype(np.float64) @ np.array([0.299, 0.587, 0.114])


def logo_at_height(svg: Path, height: int) -> Grey:
    """The logo rasterised by librsvg `height` pixels tall (its own aspect), in grey levels."""
    out = subprocess.run(
        ["ffmpeg", "-v", "error", "-height", str(height), "-i", str(svg), "-frames:v", "1", "-pix_fmt", "gray",
         "-f", "image2pipe", "-vcodec", "pgm", "-"],
        check=True, capture_output=True,
    ).stdout  # fmt: skip
    header = out.split(b"\n", 3)
    width, rows = (int(v) for v in header[1].split())
    return np.frombuffer(header[3][: width * rows], np.uint8).reshape(rows, width).astype(np.float64)


def _fast_len(n: int) -> int:
    """The next size FFTs are quick at (a multiple of 64)."""
    return -(-n // 64) * 64


class Correlator:
    """Zero-mean normalised cross-correlation of templates over one image, its FFT computed once.

    Flat windows score 0, so a plain background never matches."""

    def __init__(self, image: Grey, max_template: tuple[int, int]) -> None:
        self.image = image
        self.shape = (_fast_len(image.shape[0] + max_template[0]), _fast_len(image.shape[1] + max_template[1]))
        self.spectrum = np.fft.rfft2(image, self.shape)
        self.integral = np.pad(image.cumsum(0).cumsum(1), ((1, 0), (1, 0)))
        self.integral_sq = np.pad((image**2).cumsum(0).cumsum(1), ((1, 0), (1, 0)))

    def peak(self, template: Grey) -> tuple[float, tuple[int, int]]:
        """The best score over valid positions, and where (left, top)."""
        th, tw = template.shape
        ih, iw = self.image.shape
        t = template - template.mean()
        t_norm = float(np.sqrt((t**2).sum()))
        if th > ih or tw > iw or t_norm == 0:
            return 0.0, (0, 0)
        corr = np.fft.irfft2(self.spectrum * np.fft.rfft2(t[::-1, ::-1], self.shape), self.shape)
        corr = corr[th - 1 : ih, tw - 1 : iw]
        n = th * tw
        sums, squares = _window_sums(self.integral, th, tw), _window_sums(self.integral_sq, th, tw)
        variance = np.maximum(squares - sums**2 / n, 0)
        ncc = np.where(variance > n * 4.0, corr / (np.sqrt(variance) * t_norm + 1e-9), 0.0)
        top, left = np.unravel_index(int(np.argmax(ncc)), ncc.shape)
        return float(ncc[top, left]), (int(left), int(top))


def _window_sums(integral: Grey, th: int, tw: int) -> Grey:
    result: Grey = integral[th:, tw:] - integral[:-th, tw:] - integral[th:, :-tw] + integral[:-th, :-tw]
    return result


def half(image: Grey) -> Grey:
    """Half the size, each pixel the mean of a 2x2 block."""
    h, w = image.shape[0] // 2 * 2, image.shape[1] // 2 * 2
    result: Grey = image[:h, :w].reshape(h // 2, 2, w // 2, 2).mean(axis=(1, 3))
    return result


def resize(image: Grey, height: int) -> Grey:
    """Bilinear resampling to `height` rows, the aspect kept (the template at another scale)."""
    width = max(1, round(image.shape[1] * height / image.shape[0]))
    ys = np.linspace(0, image.shape[0] - 1, height)
    xs = np.linspace(0, image.shape[1] - 1, width)
    y0, x0 = np.floor(ys).astype(int), np.floor(xs).astype(int)
    y1, x1 = np.minimum(y0 + 1, image.shape[0] - 1), np.minimum(x0 + 1, image.shape[1] - 1)
    fy, fx = (ys - y0)[:, None], (xs - x0)[None, :]
    top = image[np.ix_(y0, x0)] * (1 - fx) + image[np.ix_(y0, x1)] * fx
    bottom = image[np.ix_(y1, x0)] * (1 - fx) + image[np.ix_(y1, x1)] * fx
    result: Grey = top * (1 - fy) + bottom * fy
    return result


def find_logo(image: Rgb, svg: Path, heights: range) -> tuple[float, tuple[int, int], int]:
    """The best match of the logo over a range of heights (in frame pixels), searched at half resolution:
    (score, (left, top) in frame pixels, height)."""
    master = logo_at_height(svg, 2 * max(heights))
    templates = [(height, resize(master, height // 2)) for height in heights]
    largest = (max(t.shape[0] for _, t in templates), max(t.shape[1] for _, t in templates))
    correlator = Correlator(half(grey(image)), largest)
    best = (0.0, (0, 0), 0)
    for height, template in templates:
        score, (left, top) = correlator.peak(template)
        if score > best[0]:
            best = (score, (2 * left, 2 * top), height)
    return best


@dataclass(frozen=True)
class ColouredBox:
    box: tuple[int, int, int, int]  # left, top, right, bottom
    colour: tuple[float, float, float]  # the median of its pixels that are not text
    fill: float  # the share of the box that is that colour or its text


def coloured_box(
    image: Rgb,
    colour: str,
    rows: tuple[float, float],
    *,
    columns: tuple[float, float] = (0.0, 1.0),
    tolerance: float = 60.0,
) -> ColouredBox | None:
    """The bounding box of the pixels near `colour` ('#RRGGBB') within a band of rows and columns (fractions of
    the frame's height and width); the box is in frame pixels."""
    height, width = image.shape[:2]
    top0, bottom0 = round(rows[0] * height), round(rows[1] * height)
    left0, right0 = round(columns[0] * width), round(columns[1] * width)
    band = image[top0:bottom0, left0:right0].astype(np.float64)
    target = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)], np.float64)
    near = np.linalg.norm(band - target, axis=2) < tolerance
    if near.sum() < 0.01 * near.size:
        return None
    ys, xs = np.nonzero(near)
    top, bottom = int(np.percentile(ys, 0.5)), int(np.percentile(ys, 99.5)) + 1
    left, right = int(np.percentile(xs, 0.5)), int(np.percentile(xs, 99.5)) + 1
    inside = band[top:bottom, left:right]
    lum = luminance(inside)
    text = (lum > 0.6) | (lum < 0.02)
    plate_pixels = inside[near[top:bottom, left:right]]
    fill = float((near[top:bottom, left:right] | text).mean())
    median = np.median(plate_pixels, axis=0)
    return ColouredBox(
        (left + left0, top + top0, right + left0, bottom + top0), (median[0], median[1], median[2]), fill
    )


def changed_region(a: Rgb, b: Rgb, *, threshold: float = 24.0) -> tuple[tuple[float, float], tuple[float, float]]:
    """The rows and columns (fractions of the frame) where two frames of the same footage differ: an overlay one
    of them draws in another colour. The drawn scenery may share the brand's colours, so colour alone cannot tell
    a plate from the set behind it; the same frame composed without the brand can."""
    height, width = a.shape[:2]
    changed = np.abs(a.astype(np.float64) - b.astype(np.float64)).max(axis=2) > threshold
    ys, xs = np.nonzero(changed)
    if ys.size == 0:
        return (0.0, 0.0), (0.0, 0.0)
    return (ys.min() / height, (ys.max() + 1) / height), (xs.min() / width, (xs.max() + 1) / width)


def colour_distance(a: tuple[float, float, float], colour: str) -> float:
    target = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)], np.float64)
    return float(np.linalg.norm(np.array(a) - target))


def ink_mask(image: Rgb, box: tuple[int, int, int, int], *, dark_text: bool) -> npt.NDArray[np.bool_]:
    """The text's pixels inside a box, cropped to their own extent."""
    left, top, right, bottom = box
    lum = luminance(image[top:bottom, left:right].astype(np.float64))
    mask = lum < 0.1 if dark_text else lum > 0.6
    ys, xs = np.nonzero(mask)
    return mask[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]


def reference_ink(text: str, font: Path, work: Path, *, size_px: int = 96) -> npt.NDArray[np.bool_]:
    """`text` drawn black on white in `font` by ffmpeg's drawtext, cropped to its ink."""
    textfile = work / "reference.txt"
    textfile.write_text(text)
    width, height = size_px * (len(text) + 2), size_px * 2
    image = _raw(["-f", "lavfi", "-i", f"color=c=white:s={width}x{height}:d=0.1", "-vf",
                  f"drawtext=fontfile={font}:textfile={textfile}:fontsize={size_px}:fontcolor=black:x=20:y=20",
                  "-frames:v", "1", "-pix_fmt", "rgb24"], width, height, 3)  # fmt: skip
    return ink_mask(image, (0, 0, width, height), dark_text=True)


def shape_similarity(a: npt.NDArray[np.bool_], b: npt.NDArray[np.bool_], *, size: tuple[int, int] = (48, 640)) -> float:
    """Intersection over union of two ink masks, each resampled to one size (the typeface's shapes, not its
    scale), after a 3-pixel blur so a one-pixel misalignment does not count."""

    def resample(mask: npt.NDArray[np.bool_]) -> Grey:
        rows = np.linspace(0, mask.shape[0] - 1, size[0]).round().astype(int)
        cols = np.linspace(0, mask.shape[1] - 1, size[1]).round().astype(int)
        sampled = mask[np.ix_(rows, cols)].astype(np.float64)
        padded = np.pad(sampled, 1)
        blurred: Grey = sum(padded[dy : dy + size[0], dx : dx + size[1]] for dy in range(3) for dx in range(3)) / 9
        return blurred

    ra, rb = resample(a), resample(b)
    return float(np.minimum(ra, rb).sum() / max(np.maximum(ra, rb).sum(), 1e-9))

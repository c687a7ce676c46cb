"""The logo as a bitmap: an SVG is rasterised by librsvg (inside ffmpeg; it runs no script), a PNG re-encoded,
both fitted inside LOGO_RASTER_PX square so a logo declaring a huge canvas cannot exhaust memory."""

from __future__ import annotations

from pathlib import Path

from shared.ffmpeg import ffmpeg

LOGO_RASTER_PX = 1024


def logo_png_args(source: Path, out: Path) -> list[str]:
    box = str(LOGO_RASTER_PX)
    if source.suffix == ".svg":
        return ["-width", box, "-height", box, "-i", str(source), "-frames:v", "1", "-pix_fmt", "rgba", str(out)]
    fit = f"scale=w='min({box},iw)':h='min({box},ih)':force_original_aspect_ratio=decrease,format=rgba"
    return ["-i", str(source), "-frames:v", "1", "-vf", fit, str(out)]


async def logo_png(source: Path, out: Path, *, timeout_s: float = 60) -> Path:
    await ffmpeg(logo_png_args(source, out), timeout_s=timeout_s)
    return out

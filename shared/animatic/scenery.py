"""Drawn places, as an animatic would sketch them: a forest has trunks and canopies, a sea a horizon
and waves, a city a skyline, a kitchen a window and a table, and so on.

Each drawing fills the whole frame (any aspect ratio: positions are fractions of it) and returns
where the product stands when the scene shows it. The same shot always draws the same picture.
"""

from __future__ import annotations

from collections.abc import Callable

from PIL import Image, ImageDraw

from shared.animatic.canvas import Canvas, Spot
from shared.animatic.palette import RGB, darker, lighter, mix
from shared.animatic.setting import Place


def _forest(c: Canvas) -> Spot:
    c.sky(0.35)
    c.gradient(0.35, 1.0, c.pal.lit((52, 84, 44)), c.pal.lit((70, 58, 36)))
    c.draw.polygon([(c.w * 0.42, c.h), (c.w * 0.49, c.h * 0.62), (c.w * 0.51, c.h * 0.62), (c.w * 0.6, c.h)],
                   fill=c.pal.lit((128, 104, 72)))  # fmt: skip
    for row, (depth, count) in enumerate(((0.55, 14), (0.8, 10), (1.0, 7))):
        for i in range(count):
            x = (i + 0.2 + c.rng.random() * 0.6) / count
            if row == 2 and 0.36 < x < 0.64:
                continue  # keep the trail clear in front
            trunk_w = 0.012 + 0.018 * depth
            top, base = 0.08 + (1 - depth) * 0.25, 0.6 + 0.38 * depth
            green = c.pal.lit(mix((30, 96, 40), (20, 60, 30), depth))
            c.draw.polygon([(c.w * (x - 0.06 * depth), c.h * (top + 0.3)), (c.w * x, c.h * top),
                            (c.w * (x + 0.06 * depth), c.h * (top + 0.3))], fill=green)  # fmt: skip
            c.box(x - trunk_w / 2, top + 0.2, x + trunk_w / 2, base, c.pal.lit(darker((96, 64, 38), 0.3 * depth)))
    return Spot(round(c.w * 0.7), round(c.h * 0.95), round(c.h * 0.3))


def _waves(c: Canvas, top: float, bottom: float) -> None:
    y, gap = top + 0.03, 0.025
    while y < bottom:
        offset = c.rng.random()
        span = 0.04 + (y - top) * 0.15
        x = -offset * span
        while x < 1:
            c.draw.arc((c.w * x, c.h * (y - gap / 2), c.w * (x + span), c.h * (y + gap / 2)), 200, 340,
                       fill=c.pal.lit((222, 238, 248)), width=max(1, round(c.h * 0.004)))  # fmt: skip
            x += span * 1.6
        y += gap
        gap *= 1.25


def _sea(c: Canvas) -> Spot:
    c.sky(0.45)
    c.gradient(0.45, 1.0, c.pal.lit((38, 96, 160)), c.pal.lit((16, 52, 104)))
    c.draw.line((0, c.h * 0.45, c.w, c.h * 0.45), fill=c.pal.lit((230, 240, 250)), width=max(2, c.h // 300))
    _waves(c, 0.45, 1.0)
    hull = [(c.w * 0.66, c.h * 0.42), (c.w * 0.74, c.h * 0.42), (c.w * 0.72, c.h * 0.44), (c.w * 0.68, c.h * 0.44)]
    c.draw.polygon(hull, fill=c.pal.lit(darker(c.pal.accent, 0.2)))
    c.draw.polygon([(c.w * 0.7, c.h * 0.3), (c.w * 0.7, c.h * 0.415), (c.w * 0.735, c.h * 0.415)],
                   fill=c.pal.lit((245, 245, 240)))  # fmt: skip
    return Spot(round(c.w * 0.75), round(c.h * 0.96), round(c.h * 0.3))


def _beach(c: Canvas) -> Spot:
    c.sky(0.4)
    c.gradient(0.4, 0.58, c.pal.lit((44, 120, 178)), c.pal.lit((70, 160, 196)))
    c.draw.line((0, c.h * 0.4, c.w, c.h * 0.4), fill=c.pal.lit((230, 240, 250)), width=max(2, c.h // 300))
    _waves(c, 0.4, 0.58)
    c.gradient(0.58, 1.0, c.pal.lit((238, 214, 160)), c.pal.lit((214, 184, 126)))
    c.box(0, 0.575, 1, 0.595, c.pal.lit((250, 250, 246)))  # foam where the sea meets the sand
    pole_x = 0.22
    c.box(pole_x - 0.004, 0.5, pole_x + 0.004, 0.86, c.pal.lit((90, 70, 50)))
    c.draw.pieslice((c.w * (pole_x - 0.12), c.h * 0.42, c.w * (pole_x + 0.12), c.h * 0.62), 180, 360,
                    fill=c.pal.lit(c.pal.accent))  # fmt: skip
    return Spot(round(c.w * 0.7), round(c.h * 0.93), round(c.h * 0.3))


def _city(c: Canvas) -> Spot:
    c.sky(0.78)
    x = 0.0
    window = (255, 214, 120) if c.time == "night" else (190, 214, 236)
    while x < 1:
        width = 0.05 + c.rng.random() * 0.07
        top = 0.15 + c.rng.random() * 0.45
        body = c.pal.lit(mix((92, 98, 112), c.pal.accent, 0.25 * c.rng.random()))
        c.box(x, top, x + width - 0.006, 0.78, body)
        for wy in range(int((0.76 - top) / 0.045)):
            for wx in range(max(1, int(width / 0.022))):
                if c.rng.random() < 0.7:
                    left = x + 0.008 + wx * 0.022
                    c.box(left, top + 0.02 + wy * 0.045, left + 0.01, top + 0.045 + wy * 0.045, c.pal.lit(window))
        x += width
    c.box(0, 0.78, 1, 1, c.pal.lit((70, 72, 78)))
    for dash in range(12):
        c.box(dash / 12 + 0.01, 0.885, dash / 12 + 0.05, 0.895, c.pal.lit((236, 226, 170)))
    return Spot(round(c.w * 0.78), round(c.h * 0.97), round(c.h * 0.3))


def _window(c: Canvas, x0: float, y0: float, x1: float, y1: float) -> None:
    frame = c.pal.lit((176, 168, 158))  # mid-tone: a white frame beside a title would read as part of its letters
    c.box(x0, y0, x1, y1, frame)
    pad = 0.012
    inner = Canvas(Image.new("RGB", (round((x1 - x0 - 2 * pad) * c.w), round((y1 - y0 - 2 * pad) * c.h))),
                   ImageDraw.Draw(Image.new("RGB", (1, 1))), c.pal, c.rng, c.time)  # fmt: skip
    inner.draw = ImageDraw.Draw(inner.image)
    inner.sky(1.0)
    c.image.paste(inner.image, (round((x0 + pad) * c.w), round((y0 + pad) * c.h)))
    mid_x, mid_y = (x0 + x1) / 2, (y0 + y1) / 2
    c.box(mid_x - 0.004, y0, mid_x + 0.004, y1, frame)
    c.box(x0, mid_y - 0.006, x1, mid_y + 0.006, frame)


def _table(c: Canvas, x0: float, x1: float, top: float, colour: RGB) -> None:
    c.box(x0, top, x1, top + 0.04, colour)
    for leg in (x0 + 0.03, x1 - 0.045):
        c.box(leg, top + 0.04, leg + 0.015, 1.0, darker(colour, 0.25))


def _kitchen(c: Canvas) -> Spot:
    c.box(0, 0, 1, 1, c.pal.lit(mix((240, 230, 210), c.pal.second, 0.3)))
    _window(c, 0.12, 0.1, 0.46, 0.5)
    c.box(
        0.55,
        0.12,
        0.95,
        0.32,
        c.pal.lit(mix((250, 250, 250), c.pal.accent, 0.35)),
        outline=darker((200, 200, 200), 0.4),
    )
    c.box(0, 0.5, 1, 0.58, c.pal.lit((200, 196, 188)))  # counter top
    c.box(0, 0.58, 1, 1, c.pal.lit(c.pal.accent))  # cabinets in the brand colour
    for door in range(8):
        c.box(door / 8 + 0.01, 0.61, (door + 1) / 8 - 0.01, 0.72, c.pal.lit(mix((236, 232, 226), c.pal.accent, 0.4)),
              outline=darker((200, 200, 200), 0.5))  # fmt: skip
    _table(c, 0.08, 0.92, 0.74, c.pal.lit((150, 104, 62)))
    c.box(0.22, 0.68, 0.27, 0.74, c.pal.lit((250, 250, 250)))  # a mug
    return Spot(round(c.w * 0.62), round(c.h * 0.74), round(c.h * 0.28))


def _park(c: Canvas) -> Spot:
    c.sky(0.55)
    c.gradient(0.55, 1.0, c.pal.lit((110, 176, 80)), c.pal.lit((70, 140, 56)))
    c.draw.polygon([(c.w * 0.3, c.h), (c.w * 0.47, c.h * 0.55), (c.w * 0.53, c.h * 0.55), (c.w * 0.55, c.h)],
                   fill=c.pal.lit((214, 196, 160)))  # fmt: skip
    for x, size in ((0.1, 1.0), (0.3, 0.7), (0.72, 0.8), (0.9, 1.1)):
        c.box(x - 0.008 * size, 0.4, x + 0.008 * size, 0.55 + 0.12 * size, c.pal.lit((104, 70, 44)))
        c.disc(x, 0.4 - 0.05 * size, 0.12 * size, c.pal.lit((46, 128, 52)))
    c.box(0.62, 0.72, 0.82, 0.74, c.pal.lit(c.pal.accent))  # a bench in the brand's colour
    c.box(0.62, 0.77, 0.82, 0.79, c.pal.lit(c.pal.accent))
    for leg in (0.635, 0.8):
        c.box(leg, 0.79, leg + 0.008, 0.84, c.pal.lit((60, 60, 60)))
    for _ in range(40):
        fx, fy = c.rng.random(), 0.8 + c.rng.random() * 0.18
        c.disc(fx, fy, 0.006, c.pal.lit(c.rng.choice([(240, 90, 120), (250, 220, 80), c.pal.second])))
    return Spot(round(c.w * 0.72), round(c.h * 0.72), round(c.h * 0.22))


def _bedroom(c: Canvas) -> Spot:
    c.box(0, 0, 1, 0.7, c.pal.lit(mix((206, 200, 214), c.pal.second, 0.35)))
    c.box(0, 0.7, 1, 1, c.pal.lit((150, 118, 90)))
    _window(c, 0.06, 0.12, 0.26, 0.5)
    c.box(0.3, 0.3, 0.78, 0.62, c.pal.lit((120, 86, 64)))  # headboard
    c.box(0.28, 0.56, 0.8, 0.86, c.pal.lit((244, 242, 236)))  # mattress
    c.box(0.33, 0.5, 0.5, 0.6, c.pal.lit((250, 250, 250)), outline=c.pal.lit((200, 200, 200)))  # pillows
    c.box(0.58, 0.5, 0.75, 0.6, c.pal.lit((250, 250, 250)), outline=c.pal.lit((200, 200, 200)))
    c.box(0.28, 0.64, 0.8, 0.88, c.pal.lit(c.pal.accent))  # duvet
    c.box(0.83, 0.55, 0.97, 0.88, c.pal.lit((130, 94, 66)))  # bedside table
    c.draw.polygon([(c.w * 0.86, c.h * 0.44), (c.w * 0.94, c.h * 0.44), (c.w * 0.92, c.h * 0.36),
                    (c.w * 0.88, c.h * 0.36)], fill=(250, 226, 160))  # the lamp, lit  # fmt: skip
    c.box(0.897, 0.44, 0.903, 0.55, c.pal.lit((80, 80, 80)))
    return Spot(round(c.w * 0.9), round(c.h * 0.55), round(c.h * 0.16))


def _office(c: Canvas) -> Spot:
    c.box(0, 0, 1, 1, c.pal.lit(mix((226, 230, 234), c.pal.second, 0.2)))
    for col in range(4):
        _window(c, 0.05 + col * 0.2, 0.08, 0.22 + col * 0.2, 0.46)
    c.box(0, 0.62, 1, 1, c.pal.lit((120, 124, 132)))
    c.box(0.1, 0.6, 0.9, 0.65, c.pal.lit((236, 236, 232)))  # desk
    for leg in (0.12, 0.86):
        c.box(leg, 0.65, leg + 0.02, 0.95, c.pal.lit((90, 92, 96)))
    c.box(0.3, 0.34, 0.56, 0.56, c.pal.lit((30, 32, 38)))  # monitor
    c.box(0.31, 0.355, 0.55, 0.545, c.pal.lit(mix((60, 90, 140), c.pal.accent, 0.5)))
    c.box(0.42, 0.56, 0.44, 0.6, c.pal.lit((50, 50, 54)))
    c.box(0.8, 0.48, 0.86, 0.6, c.pal.lit((170, 110, 70)))  # a plant
    c.disc(0.83, 0.44, 0.06, c.pal.lit((50, 130, 60)))
    return Spot(round(c.w * 0.68), round(c.h * 0.6), round(c.h * 0.22))


def _mountains(c: Canvas) -> Spot:
    c.sky(0.7)
    for layer, (base, shade) in enumerate(((0.62, (150, 166, 190)), (0.72, (100, 116, 140)), (0.82, (70, 84, 96)))):
        peaks = 3 + layer
        points = [(0.0, float(c.h))]
        for p in range(peaks + 1):
            x = p / peaks
            y = base - (0.34 - 0.08 * layer) * (0.6 + 0.4 * c.rng.random()) if p % 2 == 0 else base - 0.05
            points.append((x * c.w, y * c.h))
        points.append((float(c.w), float(c.h)))
        c.draw.polygon(points, fill=c.pal.lit(shade))
        if layer == 0:
            for (x0, y0), (x1, y1), (x2, y2) in zip(points[1:], points[2:], points[3:], strict=False):
                if y1 < y0 and y1 < y2:  # a peak: snow on its top
                    cap = 0.25
                    c.draw.polygon([(x1, y1), (x1 + (x0 - x1) * cap, y1 + (y0 - y1) * cap),
                                    (x1 + (x2 - x1) * cap, y1 + (y2 - y1) * cap)], fill=(250, 250, 252))  # fmt: skip
    c.gradient(0.84, 1.0, c.pal.lit((96, 150, 70)), c.pal.lit((70, 120, 52)))
    return Spot(round(c.w * 0.7), round(c.h * 0.96), round(c.h * 0.28))


def _clinic(c: Canvas) -> Spot:
    c.box(0, 0, 1, 1, c.pal.lit((236, 244, 242)))
    for shelf in range(4):
        y = 0.14 + shelf * 0.12
        c.box(0.05, y + 0.09, 0.7, y + 0.1, c.pal.lit((170, 176, 180)))
        x = 0.06
        while x < 0.68:
            width = 0.025 + c.rng.random() * 0.02
            tint = c.rng.choice([(250, 250, 250), (90, 160, 210), (230, 110, 100), c.pal.accent, c.pal.second])
            c.box(x, y + 0.03 + c.rng.random() * 0.02, x + width, y + 0.09, c.pal.lit(tint))
            x += width + 0.006
    cross = (30, 170, 90)
    c.box(0.78, 0.12, 0.92, 0.18, c.pal.lit(cross))  # the pharmacy's cross
    c.box(0.82, 0.06, 0.88, 0.24, c.pal.lit(cross))
    c.box(0, 0.66, 1, 0.7, c.pal.lit((248, 248, 248)))  # counter top
    c.box(0, 0.7, 1, 1, c.pal.lit(mix((210, 230, 228), c.pal.accent, 0.6)))
    return Spot(round(c.w * 0.5), round(c.h * 0.66), round(c.h * 0.26))


def _studio(c: Canvas) -> Spot:
    c.gradient(0, 1.0, c.pal.lit(lighter(c.pal.second, 0.5)), c.pal.lit(mix(c.pal.second, c.pal.accent, 0.4)))
    # The plinth stands clear of the lower fifth, where a statement plate goes: its bright edge behind the
    # plate's words would cut through their letters.
    c.draw.ellipse((c.w * 0.3, c.h * 0.72, c.w * 0.7, c.h * 0.8), fill=c.pal.lit(darker(c.pal.second, 0.35)))
    c.box(0.36, 0.56, 0.64, 0.76, c.pal.lit((244, 244, 244)))  # plinth
    c.draw.ellipse((c.w * 0.36, c.h * 0.52, c.w * 0.64, c.h * 0.6), fill=c.pal.lit((252, 252, 252)))
    return Spot(round(c.w * 0.5), round(c.h * 0.56), round(c.h * 0.42))


PLACES: dict[Place, Callable[[Canvas], Spot]] = {
    "forest": _forest, "sea": _sea, "beach": _beach, "city": _city, "kitchen": _kitchen, "park": _park,
    "bedroom": _bedroom, "office": _office, "mountains": _mountains, "clinic": _clinic, "studio": _studio,
}  # fmt: skip


def draw_place(canvas: Canvas, place: Place) -> Spot:
    return PLACES[place](canvas)

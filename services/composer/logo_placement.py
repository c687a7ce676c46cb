"""Where and when the logo is composited: large on the end card, and small in a top corner (the bug) before it.

The end card is the adequate-provision card of a pharmaceutical ad (the logo above its plate), or the last
END_CARD_S of any other ad (the logo below the centre, clear of the titles). The bug sits inside the title-safe
area's top-right corner and goes before the major statement starts: nothing but the statement shows then.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.statement import text_layout

END_CARD_S = 2.5
BUG_HEIGHT = 0.08  # of the frame height
BUG_OPACITY = 0.85
BUG_GAP_S = 0.5  # gone this long before the statement (or the end card) begins


@dataclass(frozen=True)
class LogoPlacement:
    """A box the logo is fitted into (aspect kept, centred in it), and when it shows."""

    x: int
    y: int
    width: int
    height: int
    start_s: float
    end_s: float
    opacity: float = 1.0


def end_card_logo(
    size: tuple[int, int], *, duration_s: float, card: tuple[float, float] | None, plate_top: int | None
) -> LogoPlacement:
    width, height = size
    _, safe_top, _, _ = text_layout(size).safe_box
    if card is not None and plate_top is not None:  # above the provision plate, inside the title-safe area
        room = plate_top - safe_top
        box_h = round(min(height * 0.22, room * 0.8))
        y = safe_top + (room - box_h) // 2
        return LogoPlacement((width - round(width * 0.6)) // 2, y, round(width * 0.6), box_h, card[0], duration_s)
    box_w, box_h = round(width * 0.5), round(height * 0.2)
    start = max(0.0, duration_s - END_CARD_S)
    return LogoPlacement((width - box_w) // 2, round(height * 0.62 - box_h / 2), box_w, box_h, start, duration_s)


def corner_bug(size: tuple[int, int], *, until_s: float) -> LogoPlacement | None:
    """The small logo from the start until `until_s` (minus a hold), or None when that leaves no time."""
    width, height = size
    x0, y0, x1, _ = text_layout(size).safe_box
    box_h = round(height * BUG_HEIGHT)
    box_w = min(round(width * 0.22), (x1 - x0) // 3)
    inset = round(height * 0.01)
    end = until_s - BUG_GAP_S
    if end <= 1.0:
        return None
    return LogoPlacement(x1 - box_w - inset, y0 + inset, box_w, box_h, 0.0, end, opacity=BUG_OPACITY)

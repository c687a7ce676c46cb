"""Keyless keyframes: each still drawn (Pillow, no network) as an animatic frame of the scene's setting.

The place, time of day and weather come from the scene's words, the colours from the brand kit, and
the product (its photo cut out, or a drawn pack) stands where the scene shows it (`shared.animatic`).
Drawing costs nothing and takes a fraction of a second, so nothing is checkpointed here.
"""

from __future__ import annotations

from pathlib import Path

from shared.animatic.frame import draw_keyframe
from shared.providers.base import CancelCheck, Checkpoints, KeyframeShot, Pictured

DRAWING_VERSION = "local:drawn-1"  # bump when the drawings change, so stored keyframes are redrawn


class DrawnKeyframeMaker:
    name = "local"
    model = DRAWING_VERSION

    async def make_keyframe(
        self, shot: KeyframeShot, *, product_photos: list[Path], hero: Path | None, out: Path,
        checkpoints: Checkpoints, checkpoint_key: str, cancelled: CancelCheck,
    ) -> Pictured:  # fmt: skip
        """Draws the shot with the first product photo cut out into it (the hero adds nothing a drawing uses)."""
        draw_keyframe(shot, product_photos[0] if product_photos else None).save(out, format="PNG", compress_level=1)
        return Pictured()

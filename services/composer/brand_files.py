"""Fetches the job's brand kit files (the checked uploads) and turns them into the composer's `BrandStyle`."""

from __future__ import annotations

from services.composer.brand import BrandStyle, brand_style
from services.composer.font_metrics import UnusableFont
from services.composer.logo import logo_png
from shared.assets import fetch_ready_asset
from shared.errors import PermanentError
from shared.stage import StageContext


async def load_brand(ctx: StageContext) -> BrandStyle | None:
    """None without a brand kit; else its colours made readable, its font, and its logo rasterised to PNG."""
    kit = ctx.job.request.brand_kit
    if kit is None:
        return None
    user_id, brand_dir = ctx.job.user_id, ctx.workdir / "brand"
    logo = None
    if kit.logo is not None:
        source = await fetch_ready_asset(ctx.storage, user_id, kit.logo, brand_dir, "logo-source")
        logo = await logo_png(source, brand_dir / "logo.png")
    font = await fetch_ready_asset(ctx.storage, user_id, kit.font, brand_dir, "font") if kit.font else None
    try:
        return brand_style(kit, logo=logo, font=font)
    except UnusableFont as exc:
        raise PermanentError(str(exc)) from exc

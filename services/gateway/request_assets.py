"""A generate naming uploads goes through only when each is the user's, of the right kind, and checked ready.

Each refusal is a 422 naming the field (`product_photos[1]`, `brand_kit.logo`), so stages can trust the
request's asset ids and read their ready keys without asking again.
"""

from __future__ import annotations

from litestar.exceptions import ValidationException

from services.gateway.routes.assets import owned_asset
from shared.assets import AssetKindName
from shared.connections import Connections
from shared.request import AdRequest


def _named_assets(request: AdRequest) -> list[tuple[str, str, AssetKindName]]:
    named: list[tuple[str, str, AssetKindName]] = [
        (f"product_photos[{k}]", asset_id, "product_photo") for k, asset_id in enumerate(request.product_photos)
    ]
    kit = request.brand_kit
    if kit is not None and kit.logo:
        named.append(("brand_kit.logo", kit.logo, "logo"))
    if kit is not None and kit.font:
        named.append(("brand_kit.font", kit.font, "font"))
    return named


async def refuse_unready_assets(request: AdRequest, user_id: str, conn: Connections) -> None:
    """Raises a 422 listing every named asset that is absent, another user's, of another kind or not ready."""
    errors = []
    for field, asset_id, kind in _named_assets(request):
        record = await owned_asset(conn, user_id, asset_id)
        if record is None:
            message = f"{field}: no such asset ({asset_id})"
        elif record.kind != kind:
            message = f"{field}: asset {asset_id} is a {record.kind}, not a {kind}"
        elif record.status == "rejected":
            message = f"{field}: asset {asset_id} was rejected: {record.reason}"
        elif record.status != "ready":
            message = f"{field}: asset {asset_id} is still {record.status} (upload it, then try again)"
        else:
            continue
        errors.append({"key": field, "message": message})
    if errors:
        raise ValidationException(detail="assets not usable", extra=errors)

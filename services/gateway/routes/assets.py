"""POST /assets (a presigned upload form and an asset id) and GET /assets/{id} (pending, ready or rejected).

Another user's asset is a 404, indistinguishable from an absent one.
"""

from __future__ import annotations

import uuid

from litestar import Response, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, JSONBody

from services.gateway.asset_inspection import inspect_asset
from services.gateway.body import require_json_body
from services.gateway.errors import JSON_BODY, error_spec
from services.gateway.schemas import AssetCreate, AssetCreated, AssetUploadForm, AssetView
from shared.assets import ASSET_ID, upload_key
from shared.config import Settings
from shared.connections import Connections
from shared.ledger.assets import AssetRecord

_NOT_FOUND = {404: error_spec("No such asset for this user")}


def asset_view(record: AssetRecord) -> AssetView:
    return AssetView(
        asset_id=record.asset_id, kind=record.kind, status=record.status, reason=record.reason, format=record.format,
        content_type=record.content_type, size_bytes=record.size_bytes, created_at=record.created_at,
    )  # fmt: skip


async def owned_asset(conn: Connections, user_id: str, asset_id: str) -> AssetRecord | None:
    """The user's asset, checked if its upload has arrived; None when absent or another user's."""
    record = await conn.ledger.assets.get(asset_id) if ASSET_ID.match(asset_id) else None
    if record is None or record.owner_id != user_id:
        return None
    return await inspect_asset(conn.ledger.assets, conn.storage, record)


@post(
    "/assets",
    status_code=201,
    before_request=require_json_body,
    summary="Start an upload (product photo, logo or font)",
    responses={**JSON_BODY, 422: error_spec("Invalid field(s)")},
)  # fmt: skip
async def create_asset(
    data: JSONBody[AssetCreate],
    user_id: NamedDependency[str],
    conn: NamedDependency[Connections],
    settings: NamedDependency[Settings],
) -> Response[AssetCreated]:
    """POST the file to `upload.url` with `upload.fields`; the asset is checked once it is there."""
    record = await conn.ledger.assets.create(
        AssetRecord(
            asset_id=uuid.uuid4().hex, owner_id=user_id, kind=data.kind, content_type=data.content_type,
            size_bytes=data.size_bytes,
        )
    )  # fmt: skip
    url, fields = await conn.storage.presign_post(
        upload_key(user_id, record.asset_id),
        content_type=data.content_type,
        max_bytes=data.size_bytes,
        ttl_s=settings.presign_ttl_s,
    )
    form = AssetUploadForm(url=url, fields=fields, expires_in_s=settings.presign_ttl_s)
    return Response(AssetCreated(asset_id=record.asset_id, upload=form), status_code=201)


@get("/assets/{asset_id:str}", summary="An asset's check: pending, ready or rejected", responses=_NOT_FOUND)
async def get_asset(
    asset_id: FromPath[str], user_id: NamedDependency[str], conn: NamedDependency[Connections]
) -> AssetView:
    record = await owned_asset(conn, user_id, asset_id)
    if record is None:
        raise NotFoundException(detail="no such asset")
    return asset_view(record)

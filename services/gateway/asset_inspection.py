"""Settles a pending asset once its upload is in S3: read it, check it, publish the checked bytes or reject it.

Run where the answer is needed (reading the asset, and a generate that names it), so no upload waits on a
background worker. The checked bytes themselves are written to the ready key: what was checked is what a
stage reads, whatever is uploaded to the form's key afterwards.
"""

from __future__ import annotations

import structlog

from services.gateway.asset_checks import Verdict, content_verdict, size_verdict
from shared.assets import ready_key, upload_key
from shared.ledger.assets import AssetRecord, Assets
from shared.storage import Storage


async def _verdict(storage: Storage, record: AssetRecord, key: str, size_bytes: int) -> Verdict:
    too_big = size_verdict(record.kind, size_bytes, record.size_bytes)
    if too_big is not None:  # refused on the stored size alone: nothing that large is read into memory
        return too_big
    data = await storage.read_bytes(key)
    verdict = content_verdict(record.kind, record.content_type, data)
    if verdict.ok:
        await storage.upload_bytes(data, ready_key(record.owner_id, record.asset_id), content_type=record.content_type)
    return verdict


async def inspect_asset(assets: Assets, storage: Storage, record: AssetRecord) -> AssetRecord:
    """The record after checking its upload when it was pending and the upload has arrived; else unchanged."""
    if record.status != "pending":
        return record
    key = upload_key(record.owner_id, record.asset_id)
    size_bytes = await storage.size_of(key)
    if size_bytes is None:
        return record
    verdict = await _verdict(storage, record, key, size_bytes)
    structlog.get_logger().info(
        "asset.checked", asset_id=record.asset_id, kind=record.kind, ok=verdict.ok, reason=verdict.reason
    )
    settled = await assets.settle(
        record.asset_id, status="ready" if verdict.ok else "rejected", reason=verdict.reason, found=verdict.found
    )
    return settled or record

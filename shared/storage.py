"""Job assets in S3: the key layout, streaming upload and download, presigned GET URLs.

Layout: `users/{user_id}/jobs/{job_id}/{kind}/{name}`, kind one of `ASSET_KINDS`. What belongs to one
version of a job (its script, mixes and final outputs) lives under `…/jobs/{job_id}/v{n}/{kind}/{name}`
from version 2 on; version 1 keeps the plain layout, so nothing stored before versions moves.
The bucket is private; the video is served by short-lived presigned URLs.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any, Literal

AssetKind = Literal["script", "keyframes", "clips", "thumbnails", "audio", "final", "captions"]
ASSET_KINDS: tuple[str, ...] = ("script", "keyframes", "clips", "thumbnails", "audio", "final", "captions")
_CHUNK_BYTES = 1024 * 1024
_MULTIPART_THRESHOLD_BYTES = 16 * 1024 * 1024
_CONTENT_TYPES = {".vtt": "text/vtt", ".mp3": "audio/mpeg", ".mp4": "video/mp4", ".json": "application/json"}


def job_prefix(user_id: str, job_id: str) -> str:
    return f"users/{user_id}/jobs/{job_id}/"


def asset_key(user_id: str, job_id: str, kind: AssetKind, name: str, *, version: int = 1) -> str:
    """The key of one asset; `version` > 1 puts it under that version's own prefix."""
    if "/" in name or name in {"", ".", ".."}:
        raise ValueError(f"asset name must be a plain file name, got {name!r}")
    if version < 1:
        raise ValueError(f"versions start at 1, got {version}")
    scope = "" if version == 1 else f"v{version}/"
    return f"{job_prefix(user_id, job_id)}{scope}{kind}/{name}"


def content_type_for(name: str) -> str:
    suffix = Path(name).suffix.lower()
    return _CONTENT_TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"


class Storage:
    """S3 access for one bucket through an aiobotocore client."""

    def __init__(self, s3: Any, bucket: str) -> None:
        self._s3 = s3
        self.bucket = bucket

    async def upload_file(self, path: Path, key: str, *, tags: dict[str, str] | None = None) -> None:
        """Streams the file; large files go up in parts so memory stays flat."""
        extra: dict[str, Any] = {"ContentType": content_type_for(key)}
        if tags:
            extra["Tagging"] = "&".join(f"{k}={v}" for k, v in tags.items())
        size = path.stat().st_size
        if size <= _MULTIPART_THRESHOLD_BYTES:
            with path.open("rb") as body:
                await self._s3.put_object(Bucket=self.bucket, Key=key, Body=body, **extra)
            return
        upload = await self._s3.create_multipart_upload(Bucket=self.bucket, Key=key, **extra)
        parts = []
        try:
            with path.open("rb") as body:
                number = 1
                while chunk := body.read(_MULTIPART_THRESHOLD_BYTES // 2):
                    part = await self._s3.upload_part(
                        Bucket=self.bucket, Key=key, UploadId=upload["UploadId"], PartNumber=number, Body=chunk
                    )
                    parts.append({"ETag": part["ETag"], "PartNumber": number})
                    number += 1
            await self._s3.complete_multipart_upload(
                Bucket=self.bucket, Key=key, UploadId=upload["UploadId"], MultipartUpload={"Parts": parts}
            )
        except BaseException:
            await self._s3.abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload["UploadId"])
            raise

    async def upload_bytes(self, data: bytes, key: str, *, content_type: str | None = None) -> None:
        await self._s3.put_object(
            Bucket=self.bucket, Key=key, Body=data, ContentType=content_type or content_type_for(key)
        )

    async def download_file(self, key: str, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        response = await self._s3.get_object(Bucket=self.bucket, Key=key)
        async with response["Body"] as stream:
            with path.open("wb") as out:
                while chunk := await stream.read(_CHUNK_BYTES):
                    out.write(chunk)
        return path

    async def read_bytes(self, key: str) -> bytes:
        response = await self._s3.get_object(Bucket=self.bucket, Key=key)
        async with response["Body"] as stream:
            data: bytes = await stream.read()
        return data

    async def size_of(self, key: str) -> int | None:
        """The object's size in bytes, or None when there is no such object."""
        try:
            head = await self._s3.head_object(Bucket=self.bucket, Key=key)
        except self._s3.exceptions.ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
                return None
            raise
        size: int = head["ContentLength"]
        return size

    async def presign_post(
        self, key: str, *, content_type: str, max_bytes: int, ttl_s: int
    ) -> tuple[str, dict[str, str]]:
        """A browser-style upload form for exactly `key`: S3 refuses another content type or a larger body."""
        form = await self._s3.generate_presigned_post(
            Bucket=self.bucket,
            Key=key,
            Fields={"Content-Type": content_type},
            Conditions=[{"Content-Type": content_type}, ["content-length-range", 1, max_bytes]],
            ExpiresIn=ttl_s,
        )
        return str(form["url"]), {k: str(v) for k, v in form["fields"].items()}

    async def exists(self, key: str) -> bool:
        try:
            await self._s3.head_object(Bucket=self.bucket, Key=key)
        except self._s3.exceptions.ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
                return False
            raise
        return True

    async def tag_prefix(self, prefix: str, tags: dict[str, str]) -> int:
        """Tag every object under a prefix (lifecycle rules expire failed jobs' assets by tag)."""
        count = 0
        paginator = self._s3.get_paginator("list_objects_v2")
        tag_set = [{"Key": k, "Value": v} for k, v in tags.items()]
        async for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                await self._s3.put_object_tagging(Bucket=self.bucket, Key=item["Key"], Tagging={"TagSet": tag_set})
                count += 1
        return count

    async def presign_get(self, key: str, *, ttl_s: int, download_name: str | None = None) -> str:
        params: dict[str, Any] = {"Bucket": self.bucket, "Key": key}
        if download_name:
            params["ResponseContentDisposition"] = f'attachment; filename="{download_name}"'
        url: str = await self._s3.generate_presigned_url("get_object", Params=params, ExpiresIn=ttl_s)
        return url

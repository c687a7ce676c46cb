"""An in-memory stand-in for `shared.storage.Storage`, with the same async methods, for handler tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class MemoryStorage:
    bucket: str = "test-bucket"
    objects: dict[str, bytes] = field(default_factory=dict)
    downloads: list[str] = field(default_factory=list)

    async def upload_file(self, path: Path, key: str, *, tags: dict[str, str] | None = None) -> None:
        self.objects[key] = path.read_bytes()

    async def upload_bytes(self, data: bytes, key: str) -> None:
        self.objects[key] = data

    async def download_file(self, key: str, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(self.objects[key])
        self.downloads.append(key)
        return path

    async def read_bytes(self, key: str) -> bytes:
        return self.objects[key]

    async def exists(self, key: str) -> bool:
        return key in self.objects

    async def tag_prefix(self, prefix: str, tags: dict[str, str]) -> int:
        return sum(1 for key in self.objects if key.startswith(prefix))

    async def presign_get(self, key: str, *, ttl_s: int, download_name: str | None = None) -> str:
        return f"memory://{self.bucket}/{key}?ttl={ttl_s}"

"""Bearer API keys: each key maps to one user; keys are held only as sha256 digests.

Keys live in the key store (DynamoDB, `pharmagen-ops keys create`), looked up by digest and cached
for `settings.key_cache_s` (so a revocation takes effect within that). In development only, keys may
also come from `settings.api_keys` ("key:user_id,..."), and without it a development key is generated
and logged once. Outside development neither is allowed: the store is the only source, a gateway
without one refuses to start, and no key is ever logged.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import structlog
from litestar import Request
from litestar.exceptions import NotAuthorizedException

from shared.api_keys import KeyStore
from shared.config import Settings

DEV_USER_ID = "dev"


def _digest(key: str) -> bytes:
    return hashlib.sha256(key.encode()).digest()


@dataclass(frozen=True)
class ApiKeys:
    """sha256(key) → user_id; `user_for` checks every digest so timing does not reveal which one matched."""

    digests: tuple[tuple[bytes, str], ...]

    @classmethod
    def parse(cls, spec: str) -> ApiKeys:
        pairs = []
        for entry in filter(None, (part.strip() for part in spec.split(","))):
            key, sep, user_id = entry.rpartition(":")
            if not sep or not key or not user_id:
                raise ValueError("PHARMAGEN_API_KEYS entries must look like key:user_id")
            pairs.append((_digest(key), user_id))
        if not pairs:
            raise ValueError("PHARMAGEN_API_KEYS holds no keys")
        return cls(tuple(pairs))

    def user_for(self, key: str) -> str | None:
        offered = _digest(key)
        found: str | None = None
        for digest, user_id in self.digests:
            if hmac.compare_digest(offered, digest):
                found = user_id
        return found


def load_api_keys(spec: str | None) -> ApiKeys:
    """The configured keys, or a fresh development key (logged once, clearly marked) when none are set."""
    if spec:
        return ApiKeys.parse(spec)
    key = secrets.token_urlsafe(24)
    structlog.get_logger().warning(
        "gateway.dev_key",
        api_key=key,
        user_id=DEV_USER_ID,
        note="development key: set PHARMAGEN_API_KEYS for anything shared",
    )
    return ApiKeys(((_digest(key), DEV_USER_ID),))


class KeyStoreRequired(RuntimeError):
    """Outside development the gateway runs only on the key store."""


def static_keys(settings: Settings) -> ApiKeys | None:
    """Development keys (configured or generated); refused outright outside development."""
    if settings.env != "dev":
        if settings.api_keys:
            raise KeyStoreRequired("PHARMAGEN_API_KEYS is for development only: use the key store (pharmagen-ops keys)")
        return None
    return load_api_keys(settings.api_keys)


CACHE_ENTRIES = 10_000


class Authenticator:
    """Key → user: development keys first, then the store through a small TTL cache (misses cached too)."""

    def __init__(self, static: ApiKeys | None, *, cache_s: float) -> None:
        self.static = static
        self.cache_s = cache_s
        self._cache: OrderedDict[str, tuple[str | None, float]] = OrderedDict()

    async def user_for(self, key: str, store: KeyStore | None) -> str | None:
        if self.static is not None and (user_id := self.static.user_for(key)) is not None:
            return user_id
        if store is None:
            return None
        digest = hashlib.sha256(key.encode()).hexdigest()
        now = time.monotonic()
        cached = self._cache.get(digest)
        if cached is not None and cached[1] > now:
            return cached[0]
        record = await store.find(key)
        user_id = record.user_id if record is not None and record.active else None
        if user_id is not None:
            await store.touch(key)  # at most once per cache period per key
        self._cache[digest] = (user_id, now + self.cache_s)
        self._cache.move_to_end(digest)
        while len(self._cache) > CACHE_ENTRIES:
            self._cache.popitem(last=False)
        return user_id


def bearer_token(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


async def _resolve(request: Request[Any, Any, Any], token: str | None) -> str:
    auth: Authenticator = request.app.state.authenticator
    store: KeyStore | None = getattr(request.app.state, "key_store", None)
    user_id = await auth.user_for(token, store) if token else None
    if user_id is None:
        raise NotAuthorizedException(
            detail="a valid API key is required (Authorization: Bearer <key>)",
            headers={"WWW-Authenticate": 'Bearer realm="pharmagen"'},
        )
    return user_id


async def authenticate(request: Request[Any, Any, Any]) -> str:
    """The caller's user_id from the Authorization header; 401 otherwise."""
    return await _resolve(request, bearer_token(request.headers.get("authorization")))

"""Bearer API keys: each key maps to one user; keys are held only as sha256 digests and compared in constant time.

Keys come from `settings.api_keys` ("key:user_id,..."). Without it, a development key is generated
at start-up and logged once, so a local stack is usable but never silently open.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Annotated, Any

import structlog
from litestar import Request
from litestar.exceptions import NotAuthorizedException
from litestar.params import QueryParameter

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


def bearer_token(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _resolve(keys: ApiKeys, token: str | None) -> str:
    user_id = keys.user_for(token) if token else None
    if user_id is None:
        raise NotAuthorizedException(
            detail="a valid API key is required (Authorization: Bearer <key>)",
            headers={"WWW-Authenticate": 'Bearer realm="pharmagen"'},
        )
    return user_id


async def authenticate(request: Request[Any, Any, Any]) -> str:
    """The caller's user_id from the Authorization header; 401 otherwise."""
    keys: ApiKeys = request.app.state.api_keys
    return _resolve(keys, bearer_token(request.headers.get("authorization")))


async def authenticate_stream(
    request: Request[Any, Any, Any],
    access_token: Annotated[str | None, QueryParameter(required=False, max_length=500)] = None,
) -> str:
    """As `authenticate`, also accepting `?access_token=` — only for the SSE stream, which EventSource opens
    without headers."""
    keys: ApiKeys = request.app.state.api_keys
    token = bearer_token(request.headers.get("authorization")) or access_token
    return _resolve(keys, token)

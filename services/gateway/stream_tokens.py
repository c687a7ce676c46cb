"""Short-lived signed stream tokens: how the browser's EventSource authenticates without the API key in a URL.

`POST /jobs/{id}/stream-token` (authenticated with the key in a header) returns a token good for one
job, for one user, for `ttl_s`; the progress stream accepts it in `?token=`. A token is
`base64url(user_id \\0 job_id \\0 expiry)` and an HMAC-SHA256 of it, keyed with the gateway's stream
secret (`PHARMAGEN_STREAM_TOKEN_SECRET`, shared by every gateway task; in development a random one per
process is made when none is set).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

from shared.config import Settings

TTL_S = 60


class StreamSecretRequired(RuntimeError):
    """Outside development the stream tokens' secret must be configured (through Secrets Manager)."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class StreamTokens:
    secret: bytes
    ttl_s: int = TTL_S

    @classmethod
    def from_settings(cls, settings: Settings) -> StreamTokens:
        if settings.stream_token_secret is not None:
            return cls(settings.stream_token_secret.get_secret_value().encode())
        if settings.env != "dev":
            raise StreamSecretRequired("PHARMAGEN_STREAM_TOKEN_SECRET is required outside development")
        return cls(secrets.token_bytes(32))

    def _mac(self, payload: bytes) -> bytes:
        return hmac.new(self.secret, payload, hashlib.sha256).digest()

    def issue(self, user_id: str, job_id: str, *, now: float | None = None) -> str:
        expires = int((time.time() if now is None else now) + self.ttl_s)
        payload = f"{user_id}\0{job_id}\0{expires}".encode()
        return f"{_b64(payload)}.{_b64(self._mac(payload))}"

    def user_for(self, token: str, job_id: str, *, now: float | None = None) -> str | None:
        """The user the token was issued to, if it is genuine, unexpired and for this job."""
        try:
            encoded, mac = token.split(".", 1)
            payload = _unb64(encoded)
            if not hmac.compare_digest(self._mac(payload), _unb64(mac)):
                return None
            user_id, token_job_id, expires = payload.decode().split("\0")
            if token_job_id != job_id or int(expires) < (time.time() if now is None else now):
                return None
        except (ValueError, UnicodeDecodeError):
            return None
        return user_id

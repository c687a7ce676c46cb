"""Provider API keys from AWS Secrets Manager, read once at start-up in deployment.

When `replicate_secret_name` / `openai_secret_name` are set and the key is not already configured
(a local `REPLICATE_API_TOKEN` wins), the secret is read and returned in a copy of the settings as a
`SecretStr`. The secret may be the bare key or a JSON object holding it. Never logged.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import SecretStr

from shared.aws import sync_client
from shared.config import Settings
from shared.errors import PermanentError

_JSON_KEY_NAMES = ("api_token", "api_key", "token", "key", "REPLICATE_API_TOKEN", "OPENAI_API_KEY")


def secret_value(raw: str) -> str:
    """The key inside a secret string: the string itself, or the one key-like field of a JSON object."""
    try:
        parsed: Any = json.loads(raw)
    except ValueError:
        return raw.strip()
    if isinstance(parsed, dict):
        for name in _JSON_KEY_NAMES:
            if isinstance(parsed.get(name), str):
                return str(parsed[name]).strip()
        if len(parsed) == 1 and isinstance(value := next(iter(parsed.values())), str):
            return value.strip()
        raise PermanentError("the provider secret is a JSON object without an api key field")
    return raw.strip()


def _read(secrets_manager: Any, name: str) -> SecretStr:
    try:
        response = secrets_manager.get_secret_value(SecretId=name)
    except Exception as error:
        # The message names the secret, never its value.
        raise PermanentError(f"could not read the provider secret {name!r}: {type(error).__name__}") from error
    return SecretStr(secret_value(response["SecretString"]))


def with_provider_secrets(settings: Settings, *, secrets_manager: Any | None = None) -> Settings:
    """Settings with provider keys filled from Secrets Manager where a secret name is configured."""
    update: dict[str, SecretStr] = {}
    wanted = {
        "replicate_api_token": (settings.replicate_secret_name, settings.replicate_api_token),
        "openai_api_key": (settings.openai_secret_name, settings.openai_api_key),
    }
    for field_name, (secret_name, current) in wanted.items():
        if secret_name and current is None:
            secrets_manager = secrets_manager or sync_client(settings, "secretsmanager")
            update[field_name] = _read(secrets_manager, secret_name)
    return settings.model_copy(update=update) if update else settings

"""Provider keys read from Secrets Manager on the moto emulator over real HTTP, as deployment does at start-up."""

from __future__ import annotations

import json

import pytest

from shared.aws import sync_client
from shared.config import Settings
from shared.providers.secrets import with_provider_secrets

pytestmark = pytest.mark.integration


def test_provider_keys_come_from_secrets_manager(emulator):
    settings = Settings(AWS_ENDPOINT_URL=emulator.endpoint_url, replicate_secret_name="pharmagen/test/replicate",
                        openai_secret_name="pharmagen/test/openai")  # fmt: skip
    client = sync_client(settings, "secretsmanager")
    client.create_secret(Name="pharmagen/test/replicate", SecretString="r8_from_moto")
    client.create_secret(Name="pharmagen/test/openai", SecretString=json.dumps({"api_key": "sk-from-moto"}))

    filled = with_provider_secrets(settings)

    assert str(filled.replicate_api_token and filled.replicate_api_token.get_secret_value()) == "r8_from_moto"
    assert str(filled.openai_api_key and filled.openai_api_key.get_secret_value()) == "sk-from-moto"
    assert "r8_from_moto" not in repr(filled)

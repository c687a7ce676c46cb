"""The one provider selection table: which providers each stage offers, and which one this deployment uses.

`auto` (the default) takes the real provider when its key is configured, else the keyless local one;
`local` forces the keyless provider; naming a real one without its key fails at start-up with a
message that says which setting is missing, rather than at the first job. Each service's `__main__`
maps the chosen name onto its adapter and hands that to the handler.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import SecretStr

from shared.config import ProviderChoice, Settings
from shared.providers.secrets import with_provider_secrets


@dataclass(frozen=True)
class Real:
    """A paid provider: the settings field holding its key, and that key's environment name."""

    name: str
    key_field: str
    key_setting: str


REPLICATE = Real("replicate", "replicate_api_token", "REPLICATE_API_TOKEN")
OPENAI = Real("openai", "openai_api_key", "OPENAI_API_KEY")

# stage → the real providers it offers. The local provider is always offered.
OFFERED: dict[str, tuple[Real, ...]] = {
    "script": (REPLICATE,),
    "narration": (OPENAI,),
    "clips": (REPLICATE,),
    "music": (REPLICATE,),
}


@dataclass(frozen=True)
class Selected:
    """The chosen provider ("local", "replicate" or "openai") and settings with its key filled in."""

    provider: str
    settings: Settings


def select(stage: str, settings: Settings) -> Selected:
    """The provider this deployment uses for `stage` (keys read from Secrets Manager first, when named)."""
    settings = with_provider_secrets(settings)
    choice: ProviderChoice = getattr(settings, f"{stage}_provider")
    real = OFFERED[stage][0]
    key = getattr(settings, real.key_field)
    return Selected(real.name if wants_real(stage, choice, real=real.name, key=key, key_setting=real.key_setting)
                    else "local", settings)  # fmt: skip


def wants_real(stage: str, choice: ProviderChoice, *, real: str, key: SecretStr | None, key_setting: str) -> bool:
    """True to build the real provider (`real` is "replicate" or "openai"), False for the local one."""
    if choice == "local":
        return False
    if choice == "auto":
        return key is not None and bool(key.get_secret_value())
    if choice != real:
        raise ValueError(
            f"{stage}_provider={choice!r} is not offered for the {stage} stage (use auto, local or {real})"
        )
    if key is None or not key.get_secret_value():
        raise ValueError(f"{stage}_provider={real!r} needs {key_setting} (or its Secrets Manager name) to be set")
    return True

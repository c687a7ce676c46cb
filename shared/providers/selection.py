"""The one provider selection table: which providers each stage offers, and which one this deployment uses.

`auto` (the default) takes the real provider when its key is configured, else the keyless local one;
`local` forces the keyless provider; naming a real one without its key fails at start-up with a
message that says which setting is missing, rather than at the first job. Each service's `__main__`
maps the chosen name onto its adapter and hands that to the handler.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import structlog
from pydantic import SecretStr

from shared.config import ProviderChoice, Settings
from shared.providers.catalogue import MODEL_SETTING, Model, Stage, model_for
from shared.providers.secrets import with_provider_secrets
from shared.providers.shutdown import ShutdownNotice, check_shutdown, today_utc


@dataclass(frozen=True)
class Real:
    """A paid provider: the settings field holding its key, and that key's environment name."""

    name: str
    key_field: str
    key_setting: str


REPLICATE = Real("replicate", "replicate_api_token", "REPLICATE_API_TOKEN")
OPENAI = Real("openai", "openai_api_key", "OPENAI_API_KEY")
REALS: dict[str, Real] = {real.name: real for real in (REPLICATE, OPENAI)}

# stage → the real providers it offers (the configured model, from the catalogue, picks among them).
# The local provider is always offered.
OFFERED: dict[Stage, tuple[Real, ...]] = {
    "script": (REPLICATE,),
    "keyframes": (REPLICATE,),
    "narration": (REPLICATE, OPENAI),
    "clips": (REPLICATE,),
    "music": (REPLICATE,),
}


@dataclass(frozen=True)
class Selected:
    """The chosen provider ("local", "replicate" or "openai"), its model, and settings with its key filled in."""

    provider: str
    settings: Settings
    model: Model | None = None  # None for the local provider
    notice: ShutdownNotice | None = None  # the model shuts down within a month


def select(stage: Stage, settings: Settings, *, today: date | None = None) -> Selected:
    """The provider this deployment uses for `stage` (keys read from Secrets Manager first, when named).

    A real provider's model comes from the catalogue: past its shutdown date this raises
    `ModelRetired` (the stage refuses to start); within a month of it, `notice` says so.
    """
    choice: ProviderChoice = getattr(settings, f"{stage}_provider")
    if choice == "local":
        return Selected("local", settings)
    settings = with_provider_secrets(settings)
    model = model_for(stage, getattr(settings, MODEL_SETTING[stage]))
    real = REALS[model.provider]
    if real not in OFFERED[stage]:
        raise ValueError(f"the {stage} stage does not offer {real.name} ({model.name})")
    key = getattr(settings, real.key_field)
    if not wants_real(stage, choice, real=real.name, key=key, key_setting=real.key_setting):
        return Selected("local", settings)
    notice = check_shutdown(model, today or today_utc())
    if notice is not None:
        structlog.get_logger().warning("provider.model_shutting_down", stage=stage, notice=notice.message)
    return Selected(real.name, settings, model, notice)


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


def priced_models(settings: Settings) -> dict[str, Model | None]:
    """Each stage's model as a quote prices it: the catalogue entry when the stage will use a real provider,
    None when it will run keyless (free).

    It decides as `select` does without reading Secrets Manager (the gateway quotes; the stages hold the
    keys): a configured secret name counts as a key.
    """
    models: dict[str, Model | None] = {}
    for stage in OFFERED:
        choice: ProviderChoice = getattr(settings, f"{stage}_provider")
        model = model_for(stage, getattr(settings, MODEL_SETTING[stage]))
        real = REALS[model.provider]
        key: SecretStr | None = getattr(settings, real.key_field)
        keyed = (key is not None and bool(key.get_secret_value())) or bool(
            getattr(settings, f"{real.name}_secret_name")
        )
        models[stage] = model if choice == real.name or (choice == "auto" and keyed) else None
    return models

"""Which provider a stage uses: `auto` takes the real one when its key is configured, else local.

`local` forces the keyless provider; naming the real one without its key fails at start-up with a
message that says which setting is missing, rather than at the first job.
"""

from __future__ import annotations

from pydantic import SecretStr

from shared.config import ProviderChoice


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

"""The narration stage service: consumes `script.completed`, publishes `narration.completed` or `narration.skipped`.

The narrator is chosen here, from the one selection table, and handed to the handler.
"""

from services.narration.handler import build_handler
from shared.config import Settings
from shared.providers.base import Narrator
from shared.providers.selection import select
from shared.stage import Handler
from shared.worker import run_stage


def narrator(settings: Settings) -> Narrator:
    """The adapter this deployment uses (imported only when chosen: the SDKs are heavy)."""
    chosen = select("narration", settings)
    if chosen.provider == "openai":
        from services.narration.openai_tts import OpenAiNarrator

        return OpenAiNarrator(chosen.settings)
    from services.narration.espeak import EspeakNarrator

    return EspeakNarrator(chosen.settings)


def build(settings: Settings) -> Handler:
    return build_handler(settings, narrator(settings))


def main() -> None:
    run_stage("narration", build)


if __name__ == "__main__":
    main()

"""The narration stage service: consumes `script.completed`, publishes `narration.completed` or `narration.skipped`.

The narrator is chosen here, from the one selection table, and handed to the handler. The keyless
narrator is the bundled neural voice; espeak-ng speaks only when that voice cannot load (logged).
"""

from datetime import date

import structlog

from services.narration.handler import build_handler
from shared.config import Settings
from shared.providers.base import Narrator
from shared.providers.selection import select
from shared.stage import Handler
from shared.worker import run_stage


def local_narrator(settings: Settings) -> Narrator:
    """The neural voice shipped in its package; espeak-ng only when it cannot load."""
    from services.narration.hibari import HibariNarrator, NeuralVoiceUnavailable, load_voice

    log = structlog.get_logger()
    try:
        narrator: Narrator = HibariNarrator(settings, load_voice())
    except NeuralVoiceUnavailable as error:
        from services.narration.espeak import EspeakNarrator

        log.warning("narration.neural_voice_unavailable", fallback="espeak-ng", reason=str(error))
        return EspeakNarrator(settings)
    log.info("narration.voice_loaded", engine=narrator.name)
    return narrator


def narrator(settings: Settings, *, today: date | None = None) -> Narrator:
    """The adapter this deployment uses (imported only when chosen: the SDKs are heavy)."""
    chosen = select("narration", settings, today=today)
    if chosen.model is None:
        return local_narrator(chosen.settings)
    if chosen.provider == "openai":
        from services.narration.openai_speech import OpenAiNarrator

        return OpenAiNarrator(chosen.settings, chosen.model)
    from services.narration.minimax_speech import MinimaxNarrator

    return MinimaxNarrator(chosen.settings, chosen.model)


def build(settings: Settings) -> Handler:
    return build_handler(settings, narrator(settings))


def main() -> None:
    run_stage("narration", build)


if __name__ == "__main__":
    main()

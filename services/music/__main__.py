"""The music stage service: consumes `script.completed`, publishes `music.completed`.

The music maker is chosen here, from the one selection table, and handed to the handler.
"""

from datetime import date

from services.music.handler import build_handler
from shared.config import Settings
from shared.providers.base import MusicMaker
from shared.providers.selection import select
from shared.stage import Handler
from shared.worker import run_stage


def music_maker(settings: Settings, *, today: date | None = None) -> MusicMaker:
    """The adapter this deployment uses (imported only when chosen: the SDKs are heavy)."""
    chosen = select("music", settings, today=today)
    if chosen.model is not None:
        from services.music.instrumental import ReplicateMusicMaker

        return ReplicateMusicMaker(chosen.settings, chosen.model)
    from services.music.synth import SynthMusicMaker

    return SynthMusicMaker(chosen.settings)


def build(settings: Settings) -> Handler:
    return build_handler(settings, music_maker(settings))


def main() -> None:
    run_stage("music", build)


if __name__ == "__main__":
    main()

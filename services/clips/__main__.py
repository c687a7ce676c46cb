"""Clips stage service: renders one scene per message, so a job's scenes spread over every clips worker.

The clip maker is chosen here, from the one selection table, and handed to the handler.
"""

from datetime import date

from services.clips.handler import build_handler
from shared.config import Settings
from shared.providers.base import ClipMaker
from shared.providers.selection import select
from shared.stage import UnitsHandler
from shared.worker import run_stage


def clip_maker(settings: Settings, *, today: date | None = None) -> ClipMaker:
    """The adapter this deployment uses (imported only when chosen: the SDKs are heavy)."""
    chosen = select("clips", settings, today=today)
    if chosen.model is not None:
        from services.clips.veo import VeoClipMaker

        return VeoClipMaker(chosen.settings, chosen.model)
    from services.clips.footage import FootageClipMaker

    return FootageClipMaker(chosen.settings)


def build(settings: Settings) -> UnitsHandler:
    return build_handler(settings, clip_maker(settings))


def main() -> None:
    run_stage("clips", build)


if __name__ == "__main__":
    main()

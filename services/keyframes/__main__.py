"""Keyframes stage service: consumes `script.completed`, publishes `keyframes.completed`.

The keyframe maker is chosen here, from the one selection table, and handed to the handler.
"""

from datetime import date

from services.keyframes.handler import build_handler
from shared.config import Settings
from shared.providers.base import KeyframeMaker
from shared.providers.selection import select
from shared.stage import Handler
from shared.worker import run_stage


def keyframe_maker(settings: Settings, *, today: date | None = None) -> KeyframeMaker:
    """The adapter this deployment uses (imported only when chosen: the SDKs are heavy)."""
    chosen = select("keyframes", settings, today=today)
    if chosen.model is not None:
        from services.keyframes.image_model import ReplicateKeyframeMaker

        return ReplicateKeyframeMaker(chosen.settings, chosen.model)
    from services.keyframes.drawn import DrawnKeyframeMaker

    return DrawnKeyframeMaker()


def build(settings: Settings) -> Handler:
    return build_handler(settings, keyframe_maker(settings))


def main() -> None:
    run_stage("keyframes", build)


if __name__ == "__main__":
    main()

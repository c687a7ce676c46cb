"""The script stage service: consumes `job.submitted`, publishes `script.completed`.

The script writer is chosen here, from the one selection table, and handed to the handler.
"""

from datetime import date

from services.script.handler import build_handler
from shared.config import Settings
from shared.providers.base import ScriptWriter
from shared.providers.selection import select
from shared.stage import Handler
from shared.worker import run_stage


def script_writer(settings: Settings, *, today: date | None = None) -> ScriptWriter:
    """The adapter this deployment uses (imported only when chosen: the SDKs are heavy)."""
    chosen = select("script", settings, today=today)
    if chosen.model is not None:
        from services.script.llm import ReplicateScriptWriter

        return ReplicateScriptWriter(chosen.settings, chosen.model)
    from services.script.planner import PlannerScriptWriter

    return PlannerScriptWriter(chosen.settings)


def build(settings: Settings) -> Handler:
    return build_handler(settings, script_writer(settings))


def main() -> None:
    run_stage("script", build)


if __name__ == "__main__":
    main()

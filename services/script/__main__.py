"""The script stage service: consumes `job.submitted`, publishes `script.completed`.

The script writer is chosen from the one selection table (`shared.scripting.writers`) and handed to the handler.
"""

from services.script.handler import build_handler
from shared.config import Settings
from shared.scripting.writers import script_writer
from shared.stage import Handler
from shared.worker import run_stage


def build(settings: Settings) -> Handler:
    return build_handler(settings, script_writer(settings))


def main() -> None:
    run_stage("script", build)


if __name__ == "__main__":
    main()

"""The narration stage service: consumes `script.completed`, publishes `narration.completed` or `narration.skipped`."""

from services.narration.handler import build_handler
from shared.worker import run_stage


def main() -> None:
    run_stage("narration", build_handler)


if __name__ == "__main__":
    main()

"""The music stage service: consumes `script.completed`, publishes `music.completed`."""

from services.music.handler import build_handler
from shared.worker import run_stage


def main() -> None:
    run_stage("music", build_handler)


if __name__ == "__main__":
    main()

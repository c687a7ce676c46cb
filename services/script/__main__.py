"""The script stage service: consumes `job.submitted`, publishes `script.completed`."""

from services.script.handler import build_handler
from shared.worker import run_stage


def main() -> None:
    run_stage("script", build_handler)


if __name__ == "__main__":
    main()

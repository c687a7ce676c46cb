"""Composer stage service: turns the finished parts into the final ad."""

from services.composer.handler import build_handler
from shared.worker import run_stage


def main() -> None:
    run_stage("composer", build_handler)


if __name__ == "__main__":
    main()

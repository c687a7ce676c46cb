"""Notifier stage service: posts each job's end (completed, failed, cancelled) to its webhook."""

from services.notifier.handler import build_handler
from shared.worker import run_stage


def main() -> None:
    run_stage("notifier", build_handler)


if __name__ == "__main__":
    main()

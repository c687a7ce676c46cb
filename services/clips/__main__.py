"""Clips stage service: renders one clip per scene with visual continuity."""

from services.clips.handler import build_handler
from shared.worker import run_stage


def main() -> None:
    run_stage("clips", build_handler)


if __name__ == "__main__":
    main()

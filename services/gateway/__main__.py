"""Runs the gateway: `python -m services.gateway` serves the API and the web page on settings.host:settings.port."""

from __future__ import annotations

import uvicorn

from services.gateway.app import create_app
from shared.config import Settings
from shared.logging import configure_logging


def main() -> None:
    settings = Settings()
    configure_logging(settings)
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()

"""The gateway's readiness check reports configured models that shut down within a month (injected clock)."""

from __future__ import annotations

from datetime import date

import pytest
from litestar.testing import TestClient

from services.gateway.app import create_app
from shared.config import Settings
from tools.local.bootstrap import Created

pytestmark = pytest.mark.integration


def _ready(settings: Settings, today: date) -> dict:
    with TestClient(app=create_app(settings, today=today)) as client:
        response = client.get("/ready")
    assert response.status_code == 200, response.text
    return response.json()


def test_ready_lists_a_model_shutting_down_within_a_month(settings: Settings, aws: Created) -> None:
    on_tts1 = settings.model_copy(update={"narration_provider": "auto", "narration_model": "tts-1"})

    body = _ready(on_tts1, date(2026, 12, 20))

    assert body["status"] == "ok"
    assert body["notices"] == ["tts-1 shuts down on 2027-01-06 (17 days); configure minimax/speech-2.8-hd instead"]


def test_ready_lists_nothing_far_from_any_shutdown_or_for_a_stage_forced_local(
    settings: Settings, aws: Created
) -> None:
    on_tts1 = settings.model_copy(update={"narration_provider": "auto", "narration_model": "tts-1"})

    assert _ready(on_tts1, date(2026, 10, 1))["notices"] == []
    assert _ready(settings.model_copy(update={"narration_model": "tts-1"}), date(2026, 12, 20))["notices"] == []

"""The webhook notifier's handler on fakes: what it sends, how it signs, when it gives the message back."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from standardwebhooks import Webhook

from services.notifier.handler import build_handler
from shared.config import Settings
from shared.errors import TransientError
from shared.events import Event, make_event
from shared.job import Job, StageState
from shared.request import AdRequest
from shared.stage import StageContext, stage_context
from shared.webhook_secrets import new_secret
from tests.fakes.memory_storage import MemoryStorage

SECRET = new_secret()


async def _secret_for(user_id: str) -> str:
    assert user_id == "u1"
    return SECRET


def _context(tmp_path: Path, webhook_url: str | None) -> StageContext:
    job = Job(
        job_id="j1",
        user_id="u1",
        status="completed",
        request=AdRequest(brief="A calm morning allergy spot", webhook_url=webhook_url),
        stages={"script": StageState(status="succeeded")},
        created_at="t",
        updated_at="t",
        outputs={"video_key": "users/u1/jobs/j1/final/ad.mp4"},
    )
    return stage_context(job, storage=MemoryStorage(), settings=Settings(), workdir=tmp_path)  # type: ignore[arg-type]


def _event() -> Event:
    return make_event(
        "job.completed",
        job_id="j1",
        user_id="u1",
        payload={"video_key": "users/u1/jobs/j1/final/ad.mp4", "duration_s": 30},
    )


def _recorder(statuses: list[int]) -> tuple[list[httpx.Request], httpx.MockTransport]:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        # A streamed answer, as from a real receiver (the notifier reads answers streamed and capped).
        return httpx.Response(statuses[min(len(seen), len(statuses)) - 1], stream=httpx.ByteStream(b"ok"))

    return seen, httpx.MockTransport(answer)


async def test_a_completed_job_is_posted_signed_with_its_outputs(tmp_path: Path) -> None:
    seen, transport = _recorder([200])
    handle = build_handler(Settings(), transport, backoff_base_s=0, secret_for=_secret_for)
    await handle(_event(), _context(tmp_path, "https://hooks.example.com/ads"))
    body = seen[0].content.decode()
    Webhook(SECRET).verify(body, dict(seen[0].headers))  # raises unless signed with the user's secret
    assert seen[0].headers["webhook-id"] == "j1:job.completed:0"
    sent = json.loads(body)
    assert (sent["event_type"], sent["job_id"], sent["status"]) == ("job.completed", "j1", "completed")
    assert sent["outputs"]["video_url"].startswith("memory://")


async def test_a_job_without_a_webhook_url_sends_nothing(tmp_path: Path) -> None:
    seen, transport = _recorder([200])
    await build_handler(Settings(), transport, secret_for=_secret_for)(_event(), _context(tmp_path, None))
    assert seen == []


async def test_a_failing_receiver_is_retried_in_the_handler_until_it_answers(tmp_path: Path) -> None:
    seen, transport = _recorder([503, 502, 200])
    await build_handler(Settings(), transport, backoff_base_s=0, secret_for=_secret_for)(
        _event(), _context(tmp_path, "https://h.example/x")
    )
    assert len(seen) == 3


async def test_a_receiver_that_stays_down_hands_the_message_back_to_sqs(tmp_path: Path) -> None:
    seen, transport = _recorder([500])
    handle = build_handler(Settings(), transport, backoff_base_s=0, secret_for=_secret_for)
    with pytest.raises(TransientError):
        await handle(_event(), _context(tmp_path, "https://h.example/x"))
    assert len(seen) == 3


async def test_a_receiver_refusal_is_not_retried(tmp_path: Path) -> None:
    seen, transport = _recorder([410])
    await build_handler(Settings(), transport, backoff_base_s=0, secret_for=_secret_for)(
        _event(), _context(tmp_path, "https://h.example/x")
    )
    assert len(seen) == 1


async def test_a_redirect_is_not_followed(tmp_path: Path) -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        location = {"Location": "http://169.254.169.254/latest/meta-data/"}
        return httpx.Response(302, headers=location, stream=httpx.ByteStream(b""))

    handle = build_handler(Settings(), httpx.MockTransport(answer), backoff_base_s=0, secret_for=_secret_for)
    await handle(_event(), _context(tmp_path, "https://h.example/x"))
    assert [str(r.url) for r in seen] == ["https://h.example/x"]


async def test_a_storyboard_awaiting_approval_is_posted_with_where_to_review_it_and_when_it_expires(
    tmp_path: Path,
) -> None:
    seen, transport = _recorder([200])
    handle = build_handler(Settings(), transport, backoff_base_s=0, secret_for=_secret_for)
    waiting = make_event(
        "job.awaiting_approval", job_id="j1", user_id="u1", payload={"expires_at": "2026-12-10T12:00:00Z"}
    )
    await handle(waiting, _context(tmp_path, "https://hooks.example.com/ads"))
    body = seen[0].content.decode()
    Webhook(SECRET).verify(body, dict(seen[0].headers))
    sent = json.loads(body)
    assert sent["event_type"] == "job.awaiting_approval"
    assert sent["storyboard_url"] == "/api/v1/jobs/j1/storyboard"
    assert sent["expires_at"].startswith("2026-12-10T12:00:00")

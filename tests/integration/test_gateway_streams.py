"""Bounded progress streams over real HTTP: stream tokens instead of keys in URLs, a cap per user,
a maximum lifetime ending with a reconnect hint; and the web page's Content-Security-Policy.
"""

from __future__ import annotations

import asyncio
import itertools
import re
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack, asynccontextmanager

import httpx
import pytest

from tests.harness.gateway import RunningGateway, running_gateway
from tools.local.bootstrap import Created

pytestmark = pytest.mark.integration

USERS = [f"streamer{i}" for i in range(8)]
BRIEF = {"brief": "Thirty seconds for a calm morning allergy relief spot", "duration_s": 12}
LIFETIME_S = 2.0
_next = itertools.count()


@pytest.fixture(scope="module")
def gateway(aws: Created, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningGateway]:
    env = {
        "PHARMAGEN_SSE_MAX_LIFETIME_S": str(LIFETIME_S),
        "PHARMAGEN_SSE_POLL_S": "0.2",
        "PHARMAGEN_MAX_ACTIVE_JOBS": "20",
    }
    with running_gateway(users=USERS, log_path=tmp_path_factory.mktemp("gw-streams") / "gw.log", extra_env=env) as gw:
        yield gw


@pytest.fixture
def user() -> str:
    return USERS[next(_next)]


def _api(gateway: RunningGateway, user: str) -> httpx.Client:
    return httpx.Client(base_url=f"{gateway.base_url}/api/v1", headers=gateway.headers(user), timeout=10)


def _job_and_token(gateway: RunningGateway, user: str) -> tuple[str, str]:
    with _api(gateway, user) as api:
        job_id = api.post("/generate", json=BRIEF).json()["job_id"]
        grant = api.post(f"/jobs/{job_id}/stream-token")
        assert grant.status_code == 201
        assert grant.json()["expires_in_s"] <= 120
        return job_id, grant.json()["token"]


@asynccontextmanager
async def _open(client: httpx.AsyncClient, url: str, token: str) -> AsyncIterator[httpx.Response]:
    async with client.stream("GET", url, params={"token": token}) as response:
        yield response


def test_the_api_key_in_the_url_is_not_accepted(gateway: RunningGateway, user: str) -> None:
    job_id, _ = _job_and_token(gateway, user)
    url = f"{gateway.base_url}/api/v1/jobs/{job_id}/events"
    for name in ("access_token", "token"):
        assert httpx.get(url, params={name: gateway.keys[user]}).status_code == 401


def test_a_token_opens_only_its_own_job(gateway: RunningGateway, user: str) -> None:
    mine, token = _job_and_token(gateway, user)
    other, _ = _job_and_token(gateway, user)
    base = f"{gateway.base_url}/api/v1/jobs"
    assert httpx.get(f"{base}/{other}/events", params={"token": token}).status_code == 401
    assert httpx.get(f"{base}/{mine}/events", params={"token": token[:-3] + "AAA"}).status_code == 401


def test_another_users_job_gets_no_stream_token(gateway: RunningGateway, user: str) -> None:
    job_id, _ = _job_and_token(gateway, user)
    with _api(gateway, USERS[-1]) as stranger:
        assert stranger.post(f"/jobs/{job_id}/stream-token").status_code == 404


async def test_the_sixth_stream_of_a_user_is_429_and_a_closed_one_frees_its_place(
    gateway: RunningGateway, user: str
) -> None:
    job_id, token = _job_and_token(gateway, user)
    url = f"{gateway.base_url}/api/v1/jobs/{job_id}/events"
    async with httpx.AsyncClient(timeout=10) as client:
        async with AsyncExitStack() as streams:
            opened = [await streams.enter_async_context(_open(client, url, token)) for _ in range(5)]
            assert [r.status_code for r in opened] == [200] * 5
            sixth = await client.get(url, params={"token": token})
            assert sixth.status_code == 429
            assert int(sixth.headers["retry-after"]) > 0
        deadline = time.monotonic() + 5
        while (status := (await client.get(url, params={"token": token}, timeout=LIFETIME_S + 5)).status_code) == 429:
            assert time.monotonic() < deadline, "closed streams did not give their places back"
            await asyncio.sleep(0.1)
        assert status == 200


async def test_a_stream_ends_after_its_lifetime_with_a_reconnect_hint(gateway: RunningGateway, user: str) -> None:
    job_id, token = _job_and_token(gateway, user)
    url = f"{gateway.base_url}/api/v1/jobs/{job_id}/events"
    lines: list[str] = []
    started = time.monotonic()
    async with httpx.AsyncClient(timeout=10) as client, _open(client, url, token) as stream:
        async for line in stream.aiter_lines():
            lines.append(line)
    elapsed = time.monotonic() - started
    assert LIFETIME_S <= elapsed < LIFETIME_S + 3
    assert "event: reconnect" in lines
    assert any(line.startswith("retry:") and int(line.split(":")[1]) > 0 for line in lines)


def test_the_web_page_sends_a_content_security_policy(gateway: RunningGateway) -> None:
    page = httpx.get(f"{gateway.base_url}/")
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "connect-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    scripts = _page_modules(gateway.base_url)
    assert all("content-security-policy" in script.headers for script in scripts)
    assert not any("access_token" in script.text for script in scripts)
    assert any("stream-token" in script.text for script in scripts)


def _page_modules(base_url: str) -> list[httpx.Response]:
    """app.js and every module it imports, transitively (the page is plain ES modules, no bundle)."""
    seen: dict[str, httpx.Response] = {}
    todo = ["/app.js"]
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen[path] = response = httpx.get(f"{base_url}{path}")
        assert response.status_code == 200, path
        todo += ["/" + name for name in re.findall(r'from "\./([\w-]+\.js)"', response.text)]
    return list(seen.values())

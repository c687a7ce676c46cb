"""Webhooks over real HTTP: a `python -m services.notifier` process delivers to receivers on loopback.

Each user's webhooks verify with their own secret only (checked with the `standardwebhooks` package,
as a receiver would); a 200 MiB or a slow receiver fails only its own delivery and leaves the
notifier's memory flat (peak RSS from /proc); with the strict (deployment) policy, no internal
address receives anything, not even a connection.
"""

from __future__ import annotations

import asyncio
import os
import socket
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from standardwebhooks import Webhook, WebhookVerificationError

from shared.config import Settings
from shared.connections import connect
from shared.events import make_event
from shared.request import AdRequest
from tests.harness.processes import spawn_until_ready, stop_process, wait_for
from tests.harness.runtime import isolated_settings
from tools.local.bootstrap import bootstrap

pytestmark = pytest.mark.integration

DEADLINE_S = 2.0
HUGE_BYTES = 200 * 1024 * 1024
CHUNK = b"x" * (1024 * 1024)


@dataclass
class Received:
    requests: dict[str, list[tuple[dict[str, str], bytes]]] = field(default_factory=dict)
    huge_sent: int = 0

    def of(self, name: str) -> list[tuple[dict[str, str], bytes]]:
        return self.requests.get(name, [])


def _receiver(received: Received) -> type[BaseHTTPRequestHandler]:
    class Receiver(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            return

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            name = self.path.strip("/")
            received.requests.setdefault(name, []).append((dict(self.headers), body))
            if name == "huge":  # 200 MiB, streamed: a notifier that reads it whole grows by as much
                self.send_response(200)
                self.send_header("Content-Length", str(HUGE_BYTES))
                self.end_headers()
                try:
                    for _ in range(HUGE_BYTES // len(CHUNK)):
                        self.wfile.write(CHUNK)
                        received.huge_sent += len(CHUNK)
                except OSError:
                    return
            elif name == "slow":  # answers a byte a second, for longer than any deadline
                self.send_response(200)
                self.send_header("Content-Length", "120")
                self.end_headers()
                try:
                    for _ in range(120):
                        self.wfile.write(b"x")
                        self.wfile.flush()
                        time.sleep(1)
                except OSError:
                    return
            else:
                self.send_response(204)
                self.end_headers()

    return Receiver


@pytest.fixture(scope="module")
def receiver() -> Iterator[tuple[str, Received]]:
    received = Received()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _receiver(received))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", received
    server.shutdown()


def _start_notifier(own: Settings, log_path: Path, **env: str) -> object:
    return spawn_until_ready(
        [sys.executable, "-m", "services.notifier"],
        log_path=log_path,
        ready=lambda: "worker.started" in log_path.read_text(),
        timeout_s=30,
        env={
            **os.environ,
            "PHARMAGEN_RESOURCE_PREFIX": own.resource_prefix,
            "PHARMAGEN_LOG_FORMAT": "console",
            "PHARMAGEN_POLL_WAIT_S": "1",
            "PHARMAGEN_WEBHOOK_DEADLINE_S": str(DEADLINE_S),
            **env,
        },
    )


@dataclass
class Notifier:
    settings: Settings
    pid: int
    log_path: Path
    secrets: dict[str, str]


@pytest.fixture(scope="module")
def notifier(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Notifier]:
    own = isolated_settings(settings)
    bootstrap(own)

    async def make_users() -> dict[str, str]:
        async with connect(own) as conn:
            made = {user: await conn.webhook_secrets.create_if_missing(user) for user in ("alice", "bob")}
        return {user: secret for user, secret in made.items() if secret}

    secrets = asyncio.run(make_users())
    log_path = tmp_path_factory.mktemp("notifier") / "notifier.log"
    process = _start_notifier(own, log_path)
    try:
        yield Notifier(own, process.pid, log_path, secrets)  # type: ignore[attr-defined]
    finally:
        stop_process(process)  # type: ignore[arg-type]


def _notify(own: Settings, user_id: str, webhook_url: str) -> str:
    """A job of `user_id` with this webhook, cancelled, and its job.cancelled published (as the gateway does)."""

    async def run() -> str:
        async with connect(own) as conn:
            job, _ = await conn.ledger.create_job(
                job_id=f"wh-{os.urandom(6).hex()}",
                user_id=user_id,
                request=AdRequest(brief="A calm morning spot for a webhook test.", webhook_url=webhook_url),
                correlation_id="c",
            )
            await conn.ledger.cancel_job(job)
            await conn.bus.publish(make_event("job.cancelled", job_id=job.job_id, user_id=user_id))
            return job.job_id

    return asyncio.run(run())


def _peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM")


def test_each_users_webhooks_verify_with_their_own_secret_only(
    notifier: Notifier, receiver: tuple[str, Received]
) -> None:
    base, received = receiver
    for user in ("alice", "bob"):
        _notify(notifier.settings, user, f"{base}/{user}")
    wait_for(lambda: received.of("alice") and received.of("bob"), timeout_s=20, what="both webhooks")
    for user, other in (("alice", "bob"), ("bob", "alice")):
        headers, body = received.of(user)[0]
        assert Webhook(notifier.secrets[user]).verify(body, headers)["status"] == "cancelled"
        with pytest.raises(WebhookVerificationError):
            Webhook(notifier.secrets[other]).verify(body, headers)
        assert headers["webhook-id"].endswith(":job.cancelled:0")


def test_a_huge_or_slow_receiver_fails_only_its_delivery_and_memory_stays_flat(
    notifier: Notifier, receiver: tuple[str, Received]
) -> None:
    base, received = receiver
    before_mib = _peak_rss_mib(notifier.pid)
    _notify(notifier.settings, "alice", f"{base}/slow")
    _notify(notifier.settings, "alice", f"{base}/huge")
    started = time.monotonic()
    _notify(notifier.settings, "bob", f"{base}/prompt")
    wait_for(lambda: received.of("prompt"), timeout_s=DEADLINE_S + 8, what="the prompt receiver's webhook")
    assert time.monotonic() - started < DEADLINE_S + 8
    wait_for(lambda: received.of("huge") and received.of("slow"), timeout_s=20, what="huge and slow deliveries")
    wait_for(
        lambda: "no complete answer within" in notifier.log_path.read_text(), timeout_s=DEADLINE_S * 4, what="deadline"
    )
    time.sleep(1)
    peak_mib = _peak_rss_mib(notifier.pid)
    # The 200 MiB answer was cut after 64 KiB: the peak grew by far less than the body (it would by 200+ MiB).
    assert peak_mib - before_mib < 40, (before_mib, peak_mib)
    assert received.huge_sent < HUGE_BYTES


@pytest.fixture(scope="module")
def strict_notifier(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Notifier]:
    own = isolated_settings(settings)
    bootstrap(own)

    async def make_user() -> str | None:
        async with connect(own) as conn:
            return await conn.webhook_secrets.create_if_missing("carol")

    secret = asyncio.run(make_user())
    log_path = tmp_path_factory.mktemp("notifier-strict") / "notifier.log"
    process = _start_notifier(own, log_path, PHARMAGEN_WEBHOOK_ALLOW_PRIVATE="false")
    try:
        yield Notifier(own, process.pid, log_path, {"carol": secret or ""})  # type: ignore[attr-defined]
    finally:
        stop_process(process)  # type: ignore[arg-type]


def test_the_strict_policy_refuses_every_internal_address_at_delivery(strict_notifier: Notifier) -> None:
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    port = listener.getsockname()[1]
    urls = [
        f"https://127.0.0.1:{port}/hook",
        f"https://127.1:{port}/hook",
        f"https://0x7f000001:{port}/hook",
        f"https://2130706433:{port}/hook",
        f"https://localhost:{port}/hook",
        f"https://[::ffff:127.0.0.1]:{port}/hook",
        f"http://127.0.0.1:{port}/hook",
    ]
    for url in urls:  # written straight to the ledger: what submit would refuse, delivery refuses again
        _notify(strict_notifier.settings, "carol", url)
    wait_for(
        lambda: strict_notifier.log_path.read_text().count("webhook.refused_target") >= len(urls),
        timeout_s=30,
        what="every delivery refused",
    )
    connections = 0
    try:
        while True:
            conn, _ = listener.accept()
            conn.close()
            connections += 1
    except TimeoutError:
        pass
    listener.close()
    assert connections == 0

"""One local stack for the chaos session: real processes, fake paid providers, short leases and backoff.

Short figures keep the fast subset quick: a 4 s lease with a 1 s heartbeat (so a killed
worker's message and lease come back within seconds), 1 s base redelivery delay, 22 s 720p ads.
`CHAOS_FULL=1` runs the long variants (`@pytest.mark.chaos_full`), skipped otherwise.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from tests.harness.fakes import FakeProviders, start_fake_providers
from tests.harness.observe import Probe, purge_dlqs
from tests.harness.stack import RunningStack, start_stack

FULL = os.environ.get("CHAOS_FULL") == "1"
USER_ID = "chaos-user"
# The long variants run 2 replicas of every stage; the short ones only of the stages scenes fan out to.
SCALE = (
    dict.fromkeys(("script", "keyframes", "narration", "clips", "music", "composer"), 2)
    if FULL
    else {"clips": 2, "composer": 2}
)
STACK_ENV = {
    "PHARMAGEN_LOG_FORMAT": "json",
    "PHARMAGEN_LEASE_S": "4",
    "PHARMAGEN_HEARTBEAT_EVERY_S": "1",
    "PHARMAGEN_RETRY_BASE_S": "1",
    "PHARMAGEN_RETRY_MAX_S": "4",
    "PHARMAGEN_SHUTDOWN_GRACE_S": "15",
    "PHARMAGEN_PROVIDER_POLL_S": "0.2",
    "PHARMAGEN_VIDEO_PRESET": "ultrafast",
    "PHARMAGEN_MAX_ACTIVE_JOBS": "200",
}

CALM_OPENAI = {"throttle_next": 0, "error_next": 0, "latency_s": 0.0}


def brief(brand: str = "Claritex", **overrides: Any) -> dict[str, Any]:
    """A short pharma ad: every stage runs (script, narration with ISI, clips, music, composer)."""
    return {
        "brief": f"Spot for {brand}, a once-daily allergy tablet: a calm spring morning, windows open.",
        "ad_type": "pharmaceutical",
        "brand": brand,
        "side_effects": f"{brand} may cause drowsiness and dry mouth.",
        "prescribing_info_url": "https://claritex.example/pi",
        "phone": "1-800-555-0199",
        "duration_s": 22,  # the shortest that holds the statement and the end card at a calm pace
        "aspect_ratio": "16:9",
        "resolution": "720p",
        **overrides,
    }


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if FULL:
        return
    skip = pytest.mark.skip(reason="long chaos variant: run with CHAOS_FULL=1 (make chaos)")
    for item in items:
        if "chaos_full" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def fakes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FakeProviders]:
    running = start_fake_providers(tmp_path_factory.mktemp("fakes"))
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="session")
def chaos_stack(fakes: FakeProviders, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    running = start_stack(
        tmp_path_factory.mktemp("chaos-stack"),
        env={**STACK_ENV, **fakes.env()},
        scale=SCALE,
        api_key="chaos-key-0123456789",
        user_id=USER_ID,
    )
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="session")
def probe(chaos_stack: RunningStack) -> Probe:
    return Probe(chaos_stack)


@pytest.fixture
def calm(fakes: FakeProviders, chaos_stack: RunningStack, probe: Probe) -> Iterator[FakeProviders]:
    """Each scenario starts from well-behaved fakes with zeroed counters, empty DLQs and a drained probe."""
    normal = {
        **{
            "fail_words": [],
            "fail_models": [],
            "fail_at_create": False,
            "latency_by_model": {},
            "latency_s": 0.05,
            "fail_next": 0,
        },
        **{"throttle_next_creates": 0, "error_next_creates": 0, "video_height": 180, "music_duration_s": 10},
    }
    fakes.configure(replicate={**normal, "reset_stats": True}, openai={**CALM_OPENAI, "reset_stats": True})
    purge_dlqs(chaos_stack)
    probe.drain()
    yield fakes
    fakes.configure(replicate=normal, openai=CALM_OPENAI)

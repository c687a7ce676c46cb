"""The progress hub: one ledger poll per job however many streams follow it; a cap on streams per user."""

from __future__ import annotations

import asyncio

import pytest

from services.gateway.progress_hub import ProgressHub, TooManyStreams
from shared.job import Job, StageState
from shared.request import AdRequest

POLL_S = 0.02


def _job(status: str = "queued") -> Job:
    return Job(
        job_id="j1",
        user_id="u1",
        status=status,
        request=AdRequest(brief="A calm morning allergy spot"),
        stages={"script": StageState()},
        created_at="2026-01-01T00:00:00Z",
        updated_at="2026-01-01T00:00:00Z",
    )


class Ledger:
    def __init__(self) -> None:
        self.job = _job()
        self.reads = 0

    async def get_job(self, job_id: str) -> Job | None:
        self.reads += 1
        return self.job


async def _follow(hub: ProgressHub, seen: list[str]) -> None:
    async for job in hub.follow(_job(), wait_s=1.0):
        if job is not None:
            seen.append(job.status)
            if job.terminal:
                return


async def test_five_streams_of_one_job_share_one_poll() -> None:
    ledger = Ledger()
    hub = ProgressHub(ledger.get_job, poll_s=POLL_S, max_per_user=5)
    seen: list[list[str]] = [[] for _ in range(5)]
    followers = [asyncio.create_task(_follow(hub, s)) for s in seen]
    await asyncio.sleep(POLL_S * 10)
    ledger.job = _job("cancelled")
    await asyncio.wait_for(asyncio.gather(*followers), 2)
    assert all(s[0] == "queued" and s[-1] == "cancelled" for s in seen)
    # One reader: about one read per poll period (five separate polls would make five times as many).
    assert ledger.reads == hub.polls
    assert ledger.reads <= 15


async def test_the_poll_stops_when_the_last_stream_leaves() -> None:
    ledger = Ledger()
    hub = ProgressHub(ledger.get_job, poll_s=POLL_S, max_per_user=5)
    follower = hub.follow(_job(), wait_s=1.0)
    assert (await anext(follower)) is not None
    await follower.aclose()
    reads = ledger.reads
    await asyncio.sleep(POLL_S * 5)
    assert ledger.reads == reads


def test_a_user_past_the_cap_is_refused_and_a_release_frees_a_place() -> None:
    hub = ProgressHub(Ledger().get_job, poll_s=POLL_S, max_per_user=5)
    for _ in range(5):
        hub.reserve("u1")
    with pytest.raises(TooManyStreams):
        hub.reserve("u1")
    hub.reserve("u2")  # another user's places are their own
    hub.release("u1")
    hub.reserve("u1")
    assert hub.streams_of("u1") == 5


async def test_a_failed_ledger_read_does_not_end_the_shared_poll() -> None:
    ledger = Ledger()
    failures = [RuntimeError("throttled"), RuntimeError("throttled")]

    async def flaky(job_id: str) -> Job | None:
        if failures:
            raise failures.pop()
        return await ledger.get_job(job_id)

    hub = ProgressHub(flaky, poll_s=POLL_S, max_per_user=5)
    seen: list[str] = []
    follower = asyncio.create_task(_follow(hub, seen))
    await asyncio.sleep(POLL_S * 5)
    ledger.job = _job("cancelled")
    await asyncio.wait_for(follower, 2)
    assert seen[-1] == "cancelled"
    assert not failures

"""The per-user cap on unfinished jobs: conditional, race-free and self-repairing, on the real emulator."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from shared.config import Settings
from shared.connections import connect
from shared.ledger import Ledger, TooManyActiveJobs
from shared.request import AdRequest
from tools.local.bootstrap import Created

pytestmark = pytest.mark.integration
REQUEST = AdRequest(brief="A calm morning spot for an allergy relief spray")


async def _submit(ledger: Ledger, user_id: str, cap: int) -> bool:
    try:
        await ledger.create_job(
            job_id=uuid.uuid4().hex, user_id=user_id, request=REQUEST, correlation_id="c", max_active=cap
        )
    except TooManyActiveJobs:
        return False
    return True


async def test_concurrent_submits_never_take_more_places_than_the_cap(settings: Settings, aws: Created) -> None:
    user_id = f"u-{uuid.uuid4().hex[:8]}"
    async with connect(settings) as conn:
        accepted = await asyncio.gather(*(_submit(conn.ledger, user_id, cap=3) for _ in range(8)))

        assert sum(accepted) == 3
        assert await conn.ledger.active.count(user_id) == 3


async def test_an_ended_job_gives_its_place_back_and_a_retry_takes_it_again(settings: Settings, aws: Created) -> None:
    user_id = f"u-{uuid.uuid4().hex[:8]}"
    async with connect(settings) as conn:
        first, _ = await conn.ledger.create_job(
            job_id=uuid.uuid4().hex, user_id=user_id, request=REQUEST, correlation_id="c", max_active=1
        )
        assert not await _submit(conn.ledger, user_id, cap=1)

        claim = await conn.ledger.claim_stage(first.job_id, "script", owner="test", lease_s=30)
        assert claim.job is not None
        assert await conn.ledger.fail_job(claim.job, stage_name="script", reason="no luck")
        assert not await conn.ledger.fail_job(claim.job, stage_name="script", reason="twice")
        assert await conn.ledger.active.count(user_id) == 0

        failed = await conn.ledger.get_job(first.job_id)
        assert failed is not None
        assert await conn.ledger.reset_for_retry(failed)
        assert await conn.ledger.active.count(user_id) == 1
        retried = await conn.ledger.get_job(first.job_id)
        assert retried is not None
        assert await conn.ledger.cancel_job(retried)
        assert await conn.ledger.active.count(user_id) == 0
        assert await _submit(conn.ledger, user_id, cap=1)


async def test_a_place_leaked_by_a_crash_is_recounted_from_the_ledger_at_the_next_refusal(
    settings: Settings, aws: Created
) -> None:
    user_id = f"u-{uuid.uuid4().hex[:8]}"
    async with connect(settings) as conn:
        assert await _submit(conn.ledger, user_id, cap=2)
        await conn.ledger.active.take(user_id, cap=None)  # a job ended but died before giving its place back

        assert await _submit(conn.ledger, user_id, cap=2)
        assert not await _submit(conn.ledger, user_id, cap=2)
        assert await conn.ledger.active.count(user_id) == 2

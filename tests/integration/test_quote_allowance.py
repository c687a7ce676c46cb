"""The hourly allowance of quotes a language model writes, on the emulator: shared by every caller, per user,
and the quotes' cost counted in the user's month without an hourly counter showing in the usage listing."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from shared.config import Settings
from tests.harness.runtime import harness, isolated_settings

pytestmark = pytest.mark.integration


async def test_a_user_gets_the_hourly_allowance_and_no_more_however_many_ask_at_once(settings: Settings):
    async with harness(isolated_settings(settings)) as h:
        taken = await asyncio.gather(*(h.conn.ledger.quotes.take("u-1", per_hour=3) for _ in range(5)))
        another_user = await h.conn.ledger.quotes.take("u-2", per_hour=3)

    assert sorted(t.granted for t in taken) == [False, False, True, True, True]
    assert another_user.granted


async def test_a_refusal_says_when_its_own_hours_counter_gives_way(settings: Settings):
    """Retry-After comes from the clock the counter was chosen by: refused at 12:59:58, retry in 2 s."""
    late = datetime(2026, 12, 3, 12, 59, 58, tzinfo=UTC)
    async with harness(isolated_settings(settings)) as h:
        first = await h.conn.ledger.quotes.take("u-1", per_hour=1, now=late)
        refused = await h.conn.ledger.quotes.take("u-1", per_hour=1, now=late)
        next_hour = await h.conn.ledger.quotes.take("u-1", per_hour=1, now=late.replace(hour=13, minute=0))

    assert (first.granted, refused.granted, next_hour.granted) == (True, False, True)
    assert refused.retry_after_s == 2


async def test_quotes_cost_counts_in_the_users_month_beside_the_jobs(settings: Settings):
    async with harness(isolated_settings(settings)) as h:
        await h.conn.ledger.quotes.take("u-1", per_hour=3)
        await h.conn.ledger.quotes.spend("u-1", 0.0125)
        await h.conn.ledger.quotes.spend("u-1", 0.0075)
        periods = await h.conn.ledger.get_usage("u-1")

    assert len(periods) == 1  # the month; the hourly counter lives under its own key
    assert (periods[0]["quotes"], periods[0]["quote_cost_usd"]) == (2, pytest.approx(0.02))

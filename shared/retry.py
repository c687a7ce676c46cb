"""Retrying an awaitable with exponential backoff and full jitter, a bounded number of times.

Generic on purpose: provider adapters use it for 429/5xx on calls their SDK does not retry
(Replicate never retries a POST), and the runtime may reuse it. A `RetryAfter`-carrying error
can name its own wait (a server's `Retry-After`), which is honoured instead of the backoff.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


def backoff_s(attempt: int, *, base_s: float, max_s: float) -> float:
    """Full-jitter delay before retry number `attempt` (1-based): uniform in [0, min(max, base·2^(n-1))]."""
    return random.uniform(0.0, min(max_s, base_s * 2 ** (attempt - 1)))  # noqa: S311 (jitter, not crypto)


async def retry_async(
    fn: Callable[[], Awaitable[T]],
    *,
    attempts: int,
    base_s: float,
    max_s: float,
    retry_on: Callable[[BaseException], bool],
    wait_hint_s: Callable[[BaseException], float | None] = lambda _: None,
    on_retry: Callable[[int, BaseException, float], None] | None = None,
) -> T:
    """Call `fn` up to `attempts` times; between tries sleep the error's own hint (a server's Retry-After,
    capped at `max_s`) when it has one, else the jittered backoff.

    Errors `retry_on` rejects, and the last error, propagate unchanged.
    """
    for attempt in range(1, attempts + 1):
        try:
            return await fn()
        except Exception as error:
            if attempt == attempts or not retry_on(error):
                raise
            hint = wait_hint_s(error)
            delay = min(hint, max_s) if hint is not None else backoff_s(attempt, base_s=base_s, max_s=max_s)
            if on_retry is not None:
                on_retry(attempt, error, delay)
            await asyncio.sleep(delay)
    raise AssertionError("unreachable: the loop returns or raises")

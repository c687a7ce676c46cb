"""The redelivery delay for a transient failure: doubles per receive, jittered, bounded, never zero."""

from __future__ import annotations

import pytest

from shared.attempt import RedeliveryBackoff


class _Fixed:
    def __init__(self, fraction: float) -> None:
        self.fraction = fraction

    def uniform(self, low: float, high: float) -> float:
        return low + (high - low) * self.fraction


@pytest.fixture
def upper_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("shared.attempt.random", _Fixed(1.0))


@pytest.mark.usefixtures("upper_bound")
def test_the_delay_doubles_with_each_receive():
    backoff = RedeliveryBackoff(base_s=5, max_s=900)

    assert [backoff.delay_s(n) for n in (1, 2, 3, 4)] == [5, 10, 20, 40]


@pytest.mark.usefixtures("upper_bound")
def test_the_delay_never_exceeds_the_maximum():
    assert RedeliveryBackoff(base_s=5, max_s=60).delay_s(20) == 60


def test_jitter_keeps_the_delay_between_half_and_all_of_the_ceiling():
    backoff = RedeliveryBackoff(base_s=8, max_s=900)

    delays = {backoff.delay_s(3) for _ in range(200)}

    assert min(delays) >= 16
    assert max(delays) <= 32
    assert len(delays) > 1


def test_the_delay_is_at_least_one_second_so_a_retry_is_never_immediate(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr("shared.attempt.random", _Fixed(0.0))

    assert RedeliveryBackoff(base_s=0.1, max_s=900).delay_s(1) == 1

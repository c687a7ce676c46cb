"""Every branch of what a delivery does with a refused claim."""

from __future__ import annotations

import pytest

from shared.events import make_event
from shared.ledger import ClaimKind
from shared.refusal import Ack, DeadLetter, Defer, LeaseFacts, decide

NOW = 10_000.0
LEASE_S, BEAT_S = 30.0, 10.0
STORED = make_event("script.completed", job_id="j", user_id="u", payload={
    "script_key": "k", "duration_s": 30.0, "scene_count": 3, "needs_narration": True,
})  # fmt: skip


def _lease(expires_in_s: float | None) -> LeaseFacts:
    return LeaseFacts(None if expires_in_s is None else NOW + expires_in_s, LEASE_S, BEAT_S)


def test_a_missing_job_goes_to_the_dead_letter_queue() -> None:
    assert decide("missing", lease=_lease(None), stored_event=None, now=NOW) == DeadLetter("no such job in the ledger")


def test_a_duplicate_of_finished_work_republishes_the_stored_event_and_acks() -> None:
    assert decide("done", lease=_lease(None), stored_event=STORED, now=NOW) == Ack("duplicate", republish=STORED)
    assert decide("done", lease=_lease(None), stored_event=None, now=NOW) == Ack("duplicate")


def test_a_live_owner_keeps_the_work_and_the_duplicate_is_acked() -> None:
    # Renewed a moment ago: a full lease minus less than two beats left.
    assert decide("busy", lease=_lease(LEASE_S - BEAT_S), stored_event=None, now=NOW) == Ack("busy")


@pytest.mark.parametrize(("expires_in_s", "delay_s"), [(LEASE_S - 2 * BEAT_S - 0.5, 11), (3.2, 5), (-4.0, 1)])
def test_a_silent_owners_message_waits_out_the_lease(expires_in_s: float, delay_s: int) -> None:
    assert decide("busy", lease=_lease(expires_in_s), stored_event=None, now=NOW) == Defer(delay_s)


@pytest.mark.parametrize("kind", ["not_ready", "ended", "failed"])
def test_work_that_is_not_this_deliverys_is_acked(kind: ClaimKind) -> None:
    # Even with an expired lease: only a busy stage is waited for.
    assert decide(kind, lease=_lease(-100.0), stored_event=STORED, now=NOW) == Ack(kind)


def test_a_stale_versions_delivery_is_acked_and_never_republishes_the_newer_versions_event() -> None:
    assert decide("stale", lease=_lease(None), stored_event=STORED, now=NOW) == Ack("stale")

"""What a delivery does with a message whose claim the ledger refused: a pure decision, executed by delivery.

- `missing` (no such job): dead-letter it (visibility 0, so the DLQ takes it at the next receive);
- `busy` while the owner has stopped heartbeating: defer until its lease runs out, then claim it.
  The owner may have died holding this very message, whose visibility runs out a moment before
  the lease does: acking it would lose the job;
- `done`: re-publish the stored completion event (a lost publish is repaired) and ack;
- `stale` (a delivery for an older version of the job than its current one, which a revision replaced):
  ack and drop it, never re-publish: the stage's record and stored event belong to the newer version;
- anything else (busy with a live owner, not ready, ended, failed): ack, the work is elsewhere.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from shared.events import Event
from shared.ledger import ClaimKind


@dataclass(frozen=True)
class LeaseFacts:
    """What the job says about this stage's lease, and how this process renews leases."""

    lease_expires_at: float | None  # unix seconds
    lease_s: float
    heartbeat_s: float

    def owner_seems_gone(self, now: float) -> bool:
        """A live owner renews its lease every heartbeat, so it never has less than a lease minus a beat left."""
        return (self.lease_expires_at or 0.0) - now < self.lease_s - 2 * self.heartbeat_s

    def wait_s(self, now: float) -> int:
        """Seconds until the lease has run out, with a second to spare."""
        return math.ceil(max(0.0, (self.lease_expires_at or 0.0) - now)) + 1


@dataclass(frozen=True)
class Ack:
    reason: str
    republish: Event | None = None


@dataclass(frozen=True)
class Defer:
    delay_s: int


@dataclass(frozen=True)
class DeadLetter:
    reason: str


Decision = Ack | Defer | DeadLetter


def decide(kind: ClaimKind, *, lease: LeaseFacts, stored_event: Event | None, now: float) -> Decision:
    """The decision for a refused claim of `kind`; `stored_event` is the stage's recorded completion event."""
    if kind == "missing":
        return DeadLetter("no such job in the ledger")
    if kind == "busy" and lease.owner_seems_gone(now):
        return Defer(lease.wait_s(now))
    if kind == "done":
        return Ack("duplicate", republish=stored_event)
    return Ack(kind)

"""How many quotes a language model may write for one user in an hour, and what they cost.

A quote written by a language model is paid for (POST /quotes writes the script synchronously), and nothing
else bounds how often a user may ask. Each user has a counter per UTC hour, taken by one conditional ADD in
the usage table under its own partition (`<user>#quotes`, so the monthly usage listing never sees it): every
gateway replica shares it, and the counter item expires with the table's TTL. What the quotes cost is added to
the user's monthly usage beside the jobs', so it is billed and seen rather than lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from shared.ledger.items import attribute_value
from shared.ledger.usage import current_period

TAKE = "ADD quotes :one SET expires_at = :expires"
UNDER_LIMIT = "attribute_not_exists(quotes) OR quotes < :limit"
SPEND = "ADD quotes :one, quote_cost_usd :cost"


def seconds_to_next_hour(now: datetime) -> int:
    return max(1, 3600 - (now.minute * 60 + now.second))


@dataclass(frozen=True)
class QuoteTaken:
    """Whether a quote was granted, and when the counter it was judged by gives way to the next hour's: read
    from the same clock, so a refusal at 12:59:59 says one second, not the hour a second reading would."""

    granted: bool
    retry_after_s: int


class QuoteAllowance:
    def __init__(self, dynamodb: Any, usage_table: str) -> None:
        self._db = dynamodb
        self._table = usage_table

    async def take(self, user_id: str, *, per_hour: int, now: datetime | None = None) -> QuoteTaken:
        """One of the user's `per_hour` quotes this UTC hour; not granted once they are all taken."""
        now = now or datetime.now(UTC)
        key = {"user_id": {"S": f"{user_id}#quotes"}, "period": {"S": now.strftime("%Y-%m-%dT%H")}}
        expires = int((now + timedelta(days=2)).timestamp())
        try:
            await self._db.update_item(
                TableName=self._table, Key=key, UpdateExpression=TAKE, ConditionExpression=UNDER_LIMIT,
                ExpressionAttributeValues={":one": attribute_value(1), ":limit": attribute_value(per_hour),
                                           ":expires": attribute_value(expires)},
            )  # fmt: skip
        except self._db.exceptions.ConditionalCheckFailedException:
            return QuoteTaken(granted=False, retry_after_s=seconds_to_next_hour(now))
        return QuoteTaken(granted=True, retry_after_s=0)

    async def spend(self, user_id: str, cost_usd: float) -> None:
        """Counts a written quote and its cost in the user's month."""
        await self._db.update_item(
            TableName=self._table,
            Key={"user_id": {"S": user_id}, "period": {"S": current_period()}},
            UpdateExpression=SPEND,
            ExpressionAttributeValues={":one": attribute_value(1), ":cost": attribute_value(round(cost_usd, 6))},
        )

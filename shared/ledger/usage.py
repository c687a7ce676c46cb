"""Usage per user and calendar month (UTC): jobs, seconds of video and cost, counted at each job's completion."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from shared.ledger.items import attribute_value, from_item

ADD_USAGE = "ADD jobs :jobs, video_seconds :video_s, cost_usd :cost"


def current_period() -> str:
    """The usage period a completion counts in: the calendar month, UTC."""
    return datetime.now(UTC).strftime("%Y-%m")


def add_usage(
    usage_table: str, user_id: str, *, jobs: int, video_s: float, cost_usd: float, period: str | None = None
) -> dict[str, Any]:
    """The `update_item` request (or transaction `Update`) that adds to a user's period."""
    return {
        "TableName": usage_table,
        "Key": {"user_id": {"S": user_id}, "period": {"S": period or current_period()}},
        "UpdateExpression": ADD_USAGE,
        "ExpressionAttributeValues": {
            ":jobs": attribute_value(jobs),
            ":video_s": attribute_value(round(video_s, 3)),
            ":cost": attribute_value(round(cost_usd, 6)),
        },
    }


async def read_usage(dynamodb: Any, usage_table: str, user_id: str) -> list[dict[str, Any]]:
    """The user's periods, newest first."""
    response = await dynamodb.query(
        TableName=usage_table,
        KeyConditionExpression="user_id = :u",
        ExpressionAttributeValues={":u": {"S": user_id}},
        ScanIndexForward=False,
    )
    return [from_item(item) for item in response.get("Items", [])]

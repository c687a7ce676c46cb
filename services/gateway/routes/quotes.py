"""POST /quotes: the planned script and what it will cost, before anything is queued.

A quote written by a language model is paid for: each takes one of the user's `quotes_per_hour` (a 429 with
`Retry-After` past them) and its cost is added to the user's monthly usage. The keyless planner's are free.
"""

from __future__ import annotations

import structlog
from litestar import post
from litestar.di import NamedDependency
from litestar.exceptions import HTTPException
from litestar.params import JSONBody

from services.gateway.body import require_json_body
from services.gateway.errors import JSON_BODY, error_spec, too_many_quotes
from services.gateway.pricing import quote_for
from services.gateway.schemas import GenerateRequest, QuoteResponse
from shared.config import Settings
from shared.connections import Connections
from shared.errors import PermanentError
from shared.scripting.validation import ScriptRejected
from shared.scripting.writers import script_writer
from shared.storyboard import summary


class ScriptWriterFailed(HTTPException):
    status_code = 502


@post(
    "/quotes",
    status_code=200,
    before_request=require_json_body,
    summary="Quote a brief: the planned script and its price per stage and per scene",
    responses={
        **JSON_BODY,
        422: error_spec("Invalid field(s)"),
        429: error_spec("Too many quotes written by a language model this hour"),
        502: error_spec("The script writer gave no usable script"),
    },
)
async def create_quote(
    data: JSONBody[GenerateRequest],
    user_id: NamedDependency[str],
    conn: NamedDependency[Connections],
    settings: NamedDependency[Settings],
) -> QuoteResponse:
    """Writes the script synchronously with the configured writer (`script_writer` says which: with a language
    model the quote includes what that script cost) and prices it with the configured models."""
    request = data.to_request()
    writer = script_writer(settings)
    paid = writer.name != "local"
    if paid:
        taken = await conn.ledger.quotes.take(user_id, per_hour=settings.quotes_per_hour)
        if not taken.granted:
            raise too_many_quotes(settings, taken.retry_after_s)
    try:
        planned = await quote_for(request, settings, writer=writer)
    except (ScriptRejected, PermanentError) as exc:
        structlog.get_logger().warning("quote.script_failed", reason=str(exc)[:300])
        raise ScriptWriterFailed(detail=f"the script writer gave no usable script: {str(exc)[:300]}") from exc
    if paid:
        await conn.ledger.quotes.spend(user_id, planned.script_cost_usd)
    return QuoteResponse(quote=planned.quote, script=summary(planned.script), script_writer=planned.writer)

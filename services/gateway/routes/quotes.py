"""POST /quotes: the planned script and what it will cost, before anything is queued."""

from __future__ import annotations

import structlog
from litestar import post
from litestar.di import NamedDependency
from litestar.exceptions import HTTPException
from litestar.params import JSONBody

from services.gateway.body import require_json_body
from services.gateway.errors import JSON_BODY, error_spec
from services.gateway.pricing import quote_for
from services.gateway.schemas import GenerateRequest, QuoteResponse
from shared.config import Settings
from shared.errors import PermanentError
from shared.scripting.validation import ScriptRejected
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
        502: error_spec("The script writer gave no usable script"),
    },
)
async def create_quote(data: JSONBody[GenerateRequest], settings: NamedDependency[Settings]) -> QuoteResponse:
    """Writes the script synchronously with the configured writer (`script_writer` says which: with a language
    model the quote includes what that script cost) and prices it with the configured models."""
    request = data.to_request()
    try:
        planned = await quote_for(request, settings)
    except (ScriptRejected, PermanentError) as exc:
        structlog.get_logger().warning("quote.script_failed", reason=str(exc)[:300])
        raise ScriptWriterFailed(detail=f"the script writer gave no usable script: {str(exc)[:300]}") from exc
    return QuoteResponse(quote=planned.quote, script=summary(planned.script), script_writer=planned.writer)

"""Every client error the API returns has one shape: `{"detail", "errors": [{"field", "message"}]}`.

Bad input is a 422 naming the fields at fault; other client errors keep their status (400, 401,
404, 409, 413, 415, 429) and headers (`Retry-After`, `WWW-Authenticate`).
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.openapi.datastructures import ResponseSpec

from services.gateway.schemas import ErrorBody, FieldError
from shared.config import Settings


def _field_errors(extra: Any) -> list[FieldError]:
    if not isinstance(extra, list):
        return []
    errors = []
    for item in extra:
        if isinstance(item, dict) and "message" in item:
            errors.append(
                FieldError(field=str(item.get("key") or item.get("source") or "body"), message=item["message"])
            )
    return errors


def validation_error(_: Request[Any, Any, Any], exc: ValidationException) -> Response[ErrorBody]:
    errors = _field_errors(exc.extra)
    if not errors:  # not a field problem: malformed JSON, an unreadable body
        return Response(ErrorBody(status_code=400, detail=exc.detail), status_code=400)
    names = ", ".join(dict.fromkeys(e.field for e in errors))
    body = ErrorBody(status_code=422, detail=f"invalid request: {names}", errors=errors)
    return Response(body, status_code=422)


def http_error(_: Request[Any, Any, Any], exc: HTTPException) -> Response[ErrorBody]:
    body = ErrorBody(status_code=exc.status_code, detail=exc.detail)
    return Response(body, status_code=exc.status_code, headers=exc.headers or None)


RETRY_AFTER_S = 30


class TooManyRequestsError(HTTPException):
    status_code = 429


def too_many_active_jobs(settings: Settings) -> TooManyRequestsError:
    """The 429 for a submit or a retry past the user's cap of unfinished jobs, with a Retry-After."""
    return TooManyRequestsError(
        detail=f"at most {settings.max_active_jobs} active jobs per user; wait for one to finish",
        headers={"Retry-After": str(RETRY_AFTER_S)},
    )


def too_many_quotes(settings: Settings, retry_after_s: int) -> TooManyRequestsError:
    """The 429 for a quote past the user's hourly allowance of quotes written by a language model."""
    return TooManyRequestsError(
        detail=f"at most {settings.quotes_per_hour} quotes written by a language model per hour; "
        f"try again in {-(-retry_after_s // 60)} min (a submit needs no quote: its estimate is free)",
        headers={"Retry-After": str(retry_after_s)},
    )


def error_spec(description: str) -> ResponseSpec:
    """An OpenAPI response entry for an error this API writes (no generated examples: they do not serialise)."""
    return ResponseSpec(ErrorBody, description=description, generate_examples=False)


# The response entries the routes share, so a status means the same thing on every route that can return it.
JOB_NOT_FOUND = {404: error_spec("No such job for this user")}
JOB_CONFLICT = {409: error_spec("The job is not in a state that allows this")}
TOO_MANY_JOBS = {429: error_spec("Too many active jobs")}
JSON_BODY = {
    400: error_spec("Malformed or over-deep JSON"),
    413: error_spec("Body too large"),
    415: error_spec("Not application/json"),
}

"""The JSON body guard run before a handler parses its body: only well-formed, shallow JSON gets through.

A decoder fed 50,000 nested `[` raises RecursionError, which no framework maps to a client error;
checking the nesting depth first turns every malformed or over-deep body into a 400 with a sentence.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request
from litestar.exceptions import ClientException

MAX_DEPTH = 32  # the API's deepest body is an object holding a list of strings: 2


def nesting_depth(body: bytes) -> int:
    """The deepest `[`/`{` nesting of a JSON text, brackets inside strings ignored (no recursion, linear)."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in body:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return deepest


async def require_json_body(request: Request[Any, Any, Any]) -> None:
    """415 unless the body is declared JSON; 400 unless it is JSON no deeper than MAX_DEPTH."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "application/json" and not media_type.endswith("+json"):
        raise ClientException(status_code=415, detail="send the request body as application/json")
    body = await request.body()
    if nesting_depth(body) > MAX_DEPTH:
        raise ClientException(detail=f"the JSON body is nested more than {MAX_DEPTH} levels deep")
    try:
        msgspec.json.decode(body)
    except (ValueError, RecursionError) as exc:  # DecodeError and UnicodeDecodeError are ValueErrors
        raise ClientException(detail=f"the body is not valid JSON: {exc}") from exc

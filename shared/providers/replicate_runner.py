"""One Replicate prediction, run to the end exactly once: resume by checkpoint, poll with a deadline, cancel.

The prediction id is checkpointed the moment it exists, so a redelivered message polls the same
prediction instead of paying for a new one. Outcomes map onto `shared.errors`: a content-policy
refusal is permanent; a failed, aborted or foreign-cancelled prediction clears the checkpoint and
is transient, but only `max_failures` times per key (each one may have been paid for).
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
import pydantic.v1
import stamina
from replicate.client import Client
from replicate.exceptions import ReplicateError

from shared.errors import JobCancelled, PermanentError, TransientError
from shared.providers.base import CancelCheck, Checkpoints
from shared.providers.replicate_client import Throttled, describe, is_retryable, retry_hint_s

TERMINAL = frozenset({"succeeded", "failed", "canceled", "aborted"})
_SENSITIVE = re.compile(r"\(E005\)|flagged as sensitive|content polic|safety (?:filter|system)|nsfw", re.IGNORECASE)
_CREATE_ATTEMPTS = 6
_CREATE_MAX_WAIT_S = 30.0


def create_retry(error: Exception) -> bool | float:
    """stamina's hook for a create: False gives up, a server's wait (capped) replaces the backoff, True backs off."""
    if not is_retryable(error):
        return False
    hint = retry_hint_s(error)
    return True if hint is None else min(hint, _CREATE_MAX_WAIT_S)


@dataclass(frozen=True)
class PredictionState:
    """The fields of a prediction this project reads, parsed leniently (the SDK rejects `aborted`)."""

    id: str
    status: str
    output: Any = None
    error: str | None = None
    metrics: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, data: Any) -> PredictionState:
        def get(name: str) -> Any:
            return data.get(name) if isinstance(data, dict) else getattr(data, name, None)

        return cls(
            id=str(get("id")),
            status=str(get("status")),
            output=get("output"),
            error=get("error"),
            metrics=dict(get("metrics") or {}),
        )


async def get_state(client: Client, prediction_id: str) -> PredictionState:
    try:
        return PredictionState.of(await client.predictions.async_get(prediction_id))
    except pydantic.v1.ValidationError:
        # A status the SDK's model does not know (`aborted`): read the same resource as plain JSON.
        response = await client._async_request("GET", f"/v1/predictions/{prediction_id}")
        return PredictionState.of(response.json())


async def _create(
    client: Client, model: str, model_input: dict[str, Any], purpose: str, backoff_s: float
) -> PredictionState:
    async def create_once() -> PredictionState:
        try:
            return PredictionState.of(await client.predictions.async_create(model=model, input=model_input))
        except ReplicateError as error:
            if (error.status or 0) < 500 and error.status != 429:
                raise PermanentError(f"the {purpose} request was refused by Replicate: {describe(error)}") from error
            raise

    retrying = stamina.retry_context(
        on=create_retry,
        attempts=_CREATE_ATTEMPTS,
        timeout=None,
        wait_initial=backoff_s,
        wait_jitter=backoff_s,
        wait_max=_CREATE_MAX_WAIT_S,
    )
    try:
        async for attempt in retrying:
            with attempt:
                return await create_once()
    except (Throttled, ReplicateError, httpx.HTTPError) as error:
        # A read timeout on create is ambiguous (the prediction may exist): not retried here on purpose.
        raise TransientError(f"could not start the {purpose} on Replicate: {error}") from error
    except pydantic.v1.ValidationError as error:
        raise TransientError(f"Replicate answered the {purpose} request with an unreadable prediction") from error
    raise AssertionError("unreachable: the last attempt returns or raises")


async def _failures(checkpoints: Checkpoints, key: str) -> int:
    count = int(checkpoints.get(f"{key}:failures") or 0) + 1
    await checkpoints.put(f"{key}:failures", str(count))
    await checkpoints.put(key, "")  # cleared: the next attempt creates a new prediction
    return count


async def _settle(
    state: PredictionState, *, checkpoints: Checkpoints, key: str, purpose: str, max_failures: int
) -> None:
    if state.status == "succeeded" and state.output not in (None, "", []):
        return
    reason = state.error or ("its output is gone (data removed)" if state.status == "succeeded" else state.status)
    if state.status == "failed" and _SENSITIVE.search(reason):
        raise PermanentError(
            f"the {purpose} was refused by the model's content policy (flagged as sensitive): "
            f"rephrase the brief and try again. Provider said: {reason}"
        )
    count = await _failures(checkpoints, key)
    if count >= max_failures:
        raise PermanentError(f"the {purpose} failed {count} times on Replicate; last reason: {reason}")
    raise TransientError(f"the {purpose} ended as {state.status} on Replicate ({reason}); a new one will be made")


async def run_prediction(
    client: Client,
    model: str,
    model_input: dict[str, Any],
    *,
    checkpoints: Checkpoints,
    key: str,
    deadline_s: float,
    poll_s: float,
    cancelled: CancelCheck,
    purpose: str = "prediction",
    max_failures: int = 3,
    create_backoff_s: float = 1.0,
) -> PredictionState:
    """Run (or resume) the prediction checkpointed under `key` until it succeeds; return its final state.

    Past the deadline it raises `TransientError` and leaves the checkpoint, so a retry resumes polling.
    """
    if await cancelled():
        raise JobCancelled(purpose)
    started = time.monotonic()
    prediction_id = checkpoints.get(key)
    if prediction_id:
        state = await _poll_once(client, prediction_id, purpose)
    else:
        state = await _create(client, model, model_input, purpose, create_backoff_s)
        await checkpoints.put(key, state.id)
    while state.status not in TERMINAL:
        if await cancelled():
            await _cancel_quietly(client, state.id)
            raise JobCancelled(purpose)
        if time.monotonic() - started > deadline_s:
            raise TransientError(f"the {purpose} was still {state.status} after {deadline_s:.0f}s")
        await asyncio.sleep(poll_s)
        state = await _poll_once(client, state.id, purpose)
    await _settle(state, checkpoints=checkpoints, key=key, purpose=purpose, max_failures=max_failures)
    return state


async def _poll_once(client: Client, prediction_id: str, purpose: str) -> PredictionState:
    try:
        return await get_state(client, prediction_id)
    except ReplicateError as error:
        if error.status == 404:  # expired or unknown: treat like an aborted one, so a new prediction is made
            return PredictionState(id=prediction_id, status="aborted", error="the prediction no longer exists")
        raise TransientError(f"could not read the {purpose} prediction {prediction_id}: {error}") from error
    except (Throttled, httpx.HTTPError) as error:
        raise TransientError(f"could not read the {purpose} prediction {prediction_id}: {error}") from error


async def _cancel_quietly(client: Client, prediction_id: str) -> None:
    """Stop paying for a prediction nobody wants; the job is cancelled whether or not this lands."""
    with contextlib.suppress(Throttled, ReplicateError, httpx.HTTPError, pydantic.v1.ValidationError):
        await client.predictions.async_cancel(prediction_id)

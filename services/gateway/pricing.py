"""What the gateway quotes: a request planned and priced with the models this deployment is configured with.

`quote_for` (POST /quotes) writes the script with the configured writer, as the script stage would (the
keyless planner, or the language model when its key is configured: then the quote pays for that script and
says so), and prices it. `estimate_for` (a submit's estimate) must not pay: it prices the keyless planner's
plan, with the script's tokens estimated when a language model will write the job's script.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.config import Settings
from shared.providers.base import MemoryCheckpoints, ScriptWriter, never_cancelled
from shared.providers.selection import priced_models
from shared.quote import Quote, price_script
from shared.request import AdRequest
from shared.script import Script
from shared.scripting.planner import plan
from shared.scripting.validation import validated
from shared.scripting.writers import script_writer

CHARS_PER_TOKEN = 4  # the usual English ratio, also the script writer's own fallback when usage is not reported


@dataclass(frozen=True)
class Planned:
    quote: Quote
    script: Script
    writer: str  # "local" or "replicate:<model>": who wrote the quoted script
    script_cost_usd: float  # what writing it cost (0 for the keyless planner)


def estimated_script_tokens(script: Script) -> float:
    """A written script's output tokens, from the size of its JSON."""
    return round(len(script.model_dump_json()) / CHARS_PER_TOKEN)


async def quote_for(request: AdRequest, settings: Settings, *, writer: ScriptWriter | None = None) -> Planned:
    """Plans the script as the script stage would (`ScriptRejected` when it is unusable) and prices it."""
    writer = writer or script_writer(settings)
    drafted = await writer.write(request, checkpoints=MemoryCheckpoints(), cancelled=never_cancelled)
    script = validated(drafted.script, request)
    quote = price_script(
        script, priced_models(settings), script_cost_usd=drafted.cost_usd, continuity=continuity_of(request)
    )
    return Planned(quote, script, writer.name, drafted.cost_usd)


def estimate_for(request: AdRequest, settings: Settings) -> Quote:
    """The estimate stored with a new job: free to make, so the keyless plan priced with the configured models."""
    planned = plan(request)
    models = priced_models(settings)
    tokens = estimated_script_tokens(planned) if models.get("script") is not None else None
    return price_script(planned, models, script_tokens=tokens, continuity=continuity_of(request))


def price_stored(script: Script, request: AdRequest, settings: Settings, *, script_cost_usd: float) -> Quote:
    """The quote of a job's own (written or edited) script: what writing it cost, and what rendering it will."""
    models = priced_models(settings)
    return price_script(script, models, script_cost_usd=script_cost_usd, continuity=continuity_of(request))


def continuity_of(request: AdRequest) -> str:
    """The request's continuity mode (keyframes unless it asks for the chain): it decides how many keyframes."""
    return str(getattr(request, "continuity", "keyframes"))

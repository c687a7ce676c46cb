"""A language model on Replicate as a `ScriptWriter`: a strict-JSON script, retried with feedback when invalid.

The model (GPT-5 family by default, GPT-4o or Gemini 3 as options) comes from the catalogue, which
also names its input builder (`llm_inputs.py`) and price. Style reference images are described once
through the model's own image field; the description becomes the script's `style_notes` and closes
every scene's visual prompt. Every prediction is checkpointed, so a redelivered message polls the
existing prediction and never pays again. Cost comes from the predictions' token counts when
Replicate reports them, else from characters / 4.
"""

from __future__ import annotations

from typing import Any

from replicate.client import Client

from shared.config import Settings
from shared.errors import PermanentError
from shared.providers.base import CancelCheck, Checkpoints, Drafted
from shared.providers.catalogue import Model, Usage
from shared.providers.replicate_client import replicate_client
from shared.providers.replicate_runner import PredictionState, run_prediction
from shared.request import AdRequest
from shared.scripting.llm_inputs import script_input
from shared.scripting.llm_prompt import (
    STYLE_PROMPT,
    STYLE_SYSTEM_PROMPT,
    SYSTEM_PROMPT,
    joined,
    parse_script,
    script_prompt,
    with_style,
)

SCRIPT_ATTEMPTS = 3
_DEADLINE_S = 300.0


class ReplicateScriptWriter:
    def __init__(self, settings: Settings, model: Model, client: Client | None = None) -> None:
        self._settings = settings
        self._client = client or replicate_client(settings)
        self._model = model
        self.model = model.name
        self.name = f"replicate:{self.model}"

    async def write(self, request: AdRequest, *, checkpoints: Checkpoints, cancelled: CancelCheck) -> Drafted:
        cost = 0.0
        style_notes = ""
        if request.style_reference_urls:
            images = [str(u) for u in request.style_reference_urls]
            family = self._model.family
            style_input = script_input(family, system=STYLE_SYSTEM_PROMPT, prompt=STYLE_PROMPT, images=images)
            state = await self._predict(
                style_input, key="prediction-style", purpose="style description",
                checkpoints=checkpoints, cancelled=cancelled,
            )  # fmt: skip
            style_notes, cost = joined(state.output).strip(), cost + self._cost(style_input, state)
        feedback = ""
        for attempt in range(SCRIPT_ATTEMPTS):
            prompt = script_prompt(request, style_notes=style_notes, feedback=feedback)
            model_input = script_input(self._model.family, system=SYSTEM_PROMPT, prompt=prompt)
            state = await self._predict(
                model_input, key=f"prediction-script-{attempt}", purpose="script",
                checkpoints=checkpoints, cancelled=cancelled,
            )  # fmt: skip
            cost += self._cost(model_input, state)
            try:
                script = parse_script(joined(state.output), request)
            except ValueError as error:
                feedback = str(error)
                continue
            return Drafted(script=with_style(script, style_notes), cost_usd=round(cost, 6))
        raise PermanentError(f"the script model did not return a valid script: {feedback}")

    async def _predict(
        self, model_input: dict[str, Any], *, key: str, purpose: str, checkpoints: Checkpoints, cancelled: CancelCheck
    ) -> PredictionState:
        """Each prediction is checkpointed under its own key: a redelivered message polls it, never pays again.

        Attempt N's input depends only on attempt N-1's (checkpointed) answer, so a resumed run asks again
        for exactly the predictions it had made.
        """
        return await run_prediction(
            self._client, self.model, model_input,
            checkpoints=checkpoints, key=key, deadline_s=_DEADLINE_S,
            poll_s=self._settings.provider_poll_s, cancelled=cancelled, purpose=purpose,
        )  # fmt: skip

    def _cost(self, model_input: dict[str, Any], state: PredictionState) -> float:
        tokens_in = state.metrics.get("input_token_count")
        tokens_out = state.metrics.get("output_token_count")
        if not isinstance(tokens_in, int | float):
            tokens_in = sum(len(str(v)) for v in model_input.values()) / 4
        if not isinstance(tokens_out, int | float):
            tokens_out = len(joined(state.output)) / 4
        return self._model.price.cost(Usage(tokens_in=tokens_in, tokens_out=tokens_out))

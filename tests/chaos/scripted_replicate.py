"""The fake Replicate with two chaos knobs: per-model latency and a transient failure for chosen prompts.

`fail_words`: a prediction (of a `fail_models` model) whose prompt contains one fails with a model error that is *not*
E005, so the stage treats it as transient and retries — one job's stage fails while others pass.
`latency_by_model`: e.g. slow Veo for a cancel-during-clips test. Run standalone with
`python -m tests.chaos.scripted_replicate --port N`; configure through `POST /_fake/config`.
"""

from __future__ import annotations

import argparse
import asyncio
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.fakes.replicate_server import FakeConfig, FakeReplicate, Prediction


@dataclass
class ChaosConfig(FakeConfig):
    fail_words: list[str] = field(default_factory=list)
    fail_models: list[str] = field(default_factory=list)  # where fail_words apply (every model when empty)
    fail_at_create: bool = False  # answer 503 to the create (no prediction) instead of failing the prediction
    latency_by_model: dict[str, float] = field(default_factory=dict)


class ScriptedReplicate(FakeReplicate):
    config: ChaosConfig

    def _doomed(self, model: str, model_input: dict[str, Any]) -> bool:
        prompt = str(model_input.get("prompt", "")).lower()
        scoped = not self.config.fail_models or model in self.config.fail_models
        return scoped and any(word.lower() in prompt for word in self.config.fail_words)

    async def _create(self, request: web.Request, model: str) -> web.Response:
        if self.config.fail_at_create and self._doomed(model, (await request.json()).get("input") or {}):
            return web.json_response({"title": "Service Unavailable", "detail": "try again", "status": 503}, status=503)
        return await super()._create(request, model)

    def _outcome(self, prediction: Prediction) -> str:
        if not self.config.fail_at_create and self._doomed(prediction.model, prediction.input):
            prediction.error = "Prediction failed: CUDA out of memory (E1001)"
            return "failed"
        return super()._outcome(prediction)

    async def _lifecycle(self, prediction: Prediction) -> None:
        latency_s = self.config.latency_by_model.get(prediction.model)
        if latency_s is None:
            await super()._lifecycle(prediction)
            return
        await asyncio.sleep(latency_s * 0.3)
        if prediction.status == "canceled":
            return
        prediction.status = "processing"
        outcome = self._outcome(prediction)
        output = await self._render(prediction) if outcome == "succeeded" else None
        await asyncio.sleep(latency_s * 0.7)
        if prediction.status == "canceled":
            return
        prediction.status, prediction.output = outcome, output
        if outcome == "failed" and prediction.error is None:
            prediction.error = "Prediction failed: the model crashed (E1000)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--latency-s", type=float, default=0.05)
    args = parser.parse_args()
    config = ChaosConfig(latency_s=args.latency_s, retry_after_s=0.2)

    async def serve() -> None:
        fake = ScriptedReplicate(config)
        runner = web.AppRunner(fake.app())
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", args.port).start()
        fake.base_url = f"http://127.0.0.1:{args.port}"
        await asyncio.Event().wait()

    asyncio.run(serve())


if __name__ == "__main__":
    main()

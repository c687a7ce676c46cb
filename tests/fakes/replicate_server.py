"""A fake Replicate API on loopback that speaks the real protocol.

Predictions go starting → processing → succeeded | failed | canceled (or `aborted`) over a
configurable latency; outputs are real media served over http (so the SDK returns plain strings)
as signed links that need no token (one sent anyway is counted in `token_leaks`). Inputs are checked
against each model's published schema kept as data (`replicate_inputs.py`); unknown fields are
refused with 422, stricter than Replicate on purpose. Tests script failures through `FakeConfig` (in-process) or
`POST /_fake/config` (standalone: `python -m tests.fakes.replicate_server --port N`), and read
counters of paid creates per model at `GET /_fake/stats`.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import random
import tempfile
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiohttp import web

from tests.fakes.replicate_inputs import validate_input
from tests.fakes.replicate_outputs import (
    decode_data_url,
    llm_answer,
    make_image,
    make_song,
    make_speech,
    make_video,
    make_video_between,
    output_metrics,
)

VIDEO_MODELS = {"google/veo-3.1", "google/veo-3.1-fast", "kwaivgi/kling-v2.1"}
MUSIC_MODELS = {"stability-ai/stable-audio-2.5", "minimax/music-2.6"}
IMAGE_MODELS = {"google/nano-banana-pro", "google/nano-banana-2", "black-forest-labs/flux-kontext-pro"}
SPEECH_MODELS = {"minimax/speech-2.8-hd", "minimax/speech-2.6-hd"}
TEXT_MODELS = {
    "openai/gpt-5.6-terra", "openai/gpt-5.6-luna", "openai/gpt-5.2", "google/gemini-3-pro",
    "openai/gpt-4o", "openai/gpt-4o-mini",
}  # fmt: skip


@dataclass
class FakeConfig:
    token: str = "test-token"
    latency_s: float = 0.05  # create → terminal
    model_latency_s: dict[str, float] = field(default_factory=dict)  # per model ("google/veo-3.1": 9.0), else latency_s
    failure_rate: float = 0.0
    throttle_next_creates: int = 0  # the next N creates answer 429
    retry_after_s: float | None = 0.05
    error_next_creates: int = 0  # the next N creates answer 503
    fail_next: int = 0  # the next N predictions fail with a model error
    abort_next: int = 0  # the next N predictions end as `aborted`
    cancel_next: int = 0  # the next N predictions are cancelled by "someone else"
    invalid_script_next: int = 0  # the next N gpt-4o script answers are not valid JSON
    sensitive_words: list[str] = field(default_factory=list)  # a prompt containing one fails with E005
    video_height: int | None = None  # None: from the `resolution` input; tests use small frames
    music_duration_s: float = 40.0
    data_urls: bool = False  # outputs as data: URIs instead of http URLs


@dataclass
class Prediction:
    id: str
    model: str
    input: dict[str, Any]
    status: str = "starting"
    output: Any = None
    error: str | None = None
    metrics: dict[str, Any] = field(default_factory=dict)  # what the cost code reads: tokens, characters, seconds
    created_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat().replace("+00:00", "Z"))
    task: asyncio.Task[None] | None = None

    def as_json(self, base_url: str) -> dict[str, Any]:
        urls = {"get": f"{base_url}/v1/predictions/{self.id}", "cancel": f"{base_url}/v1/predictions/{self.id}/cancel"}
        terminal = self.status in {"succeeded", "failed", "canceled", "aborted"}
        return {
            "id": self.id, "model": self.model, "version": "hidden", "input": self.input, "output": self.output,
            "error": self.error, "status": self.status, "logs": "", "created_at": self.created_at, "source": "api",
            "data_removed": False, "urls": urls, "metrics": {"predict_time": 0.01, **self.metrics} if terminal else {},
        }  # fmt: skip


@dataclass
class Stats:
    creates: Counter[str] = field(default_factory=Counter)
    gets: int = 0
    cancels: int = 0
    cancelled: Counter[str] = field(default_factory=Counter)  # in-flight predictions stopped, per model
    cancels_of: Counter[str] = field(default_factory=Counter)  # cancel requests per prediction id
    downloads: int = 0
    throttled: int = 0
    token_leaks: int = 0  # output downloads that carried an Authorization header (must stay 0)
    texts: list[str] = field(default_factory=list)  # the text of each paid speech prediction, in order
    speeds: list[float] = field(default_factory=list)  # the speed of each, in the same order

    def as_json(self) -> dict[str, Any]:
        return {
            **asdict(self), "creates": dict(self.creates), "cancelled": dict(self.cancelled),
            "cancels_of": dict(self.cancels_of), "paid": sum(self.creates.values()),
        }  # fmt: skip


class FakeReplicate:
    def __init__(self, config: FakeConfig | None = None) -> None:
        self.config = config or FakeConfig()
        self.stats = Stats()
        self.predictions: dict[str, Prediction] = {}
        self.files = Path(tempfile.mkdtemp(prefix="fake-replicate-"))
        self.base_url = ""

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/v1/models/{owner}/{name}/predictions", self._create_official)
        app.router.add_post("/v1/predictions", self._create_by_version)
        app.router.add_get("/v1/predictions/{id}", self._get)
        app.router.add_post("/v1/predictions/{id}/cancel", self._cancel)
        app.router.add_get("/files/{name}", self._file)
        app.router.add_get("/_fake/stats", self._stats)
        app.router.add_post("/_fake/config", self._configure)
        return app

    def _authorised(self, request: web.Request) -> bool:
        return request.headers.get("Authorization") == f"Bearer {self.config.token}"

    async def _create_official(self, request: web.Request) -> web.Response:
        return await self._create(request, f"{request.match_info['owner']}/{request.match_info['name']}")

    async def _create_by_version(self, request: web.Request) -> web.Response:
        body = await request.json()
        return await self._create(request, str(body.get("version", "")).split(":")[0])

    async def _create(self, request: web.Request, model: str) -> web.Response:
        if not self._authorised(request):
            return _problem(401, "Unauthenticated", "You did not pass a valid authentication token")
        if self.config.throttle_next_creates > 0:
            self.config.throttle_next_creates -= 1
            self.stats.throttled += 1
            headers = {"Retry-After": str(self.config.retry_after_s)} if self.config.retry_after_s is not None else {}
            return web.json_response({"detail": "Request was throttled. Expected available in 1 second."},
                                     status=429, headers=headers)  # fmt: skip
        if self.config.error_next_creates > 0:
            self.config.error_next_creates -= 1
            return _problem(503, "Service Unavailable", "try again")
        body = await request.json()
        model_input = body.get("input") or {}
        if problems := validate_input(model, model_input):
            detail = "".join(f"- {p['field']}: {p['description']}\n" for p in problems)
            return web.json_response({"title": "Input validation failed", "status": 422, "detail": detail,
                                      "invalid_fields": problems}, status=422)  # fmt: skip
        prediction = Prediction(id=uuid.uuid4().hex[:26], model=model, input=model_input)
        self.predictions[prediction.id] = prediction
        self.stats.creates[model] += 1
        if model in SPEECH_MODELS:
            self.stats.texts.append(str(model_input.get("text", "")))
            self.stats.speeds.append(float(model_input.get("speed", 1.0)))
        prediction.task = asyncio.create_task(self._lifecycle(prediction))
        waited = await self._hold_for_wait(request, prediction)
        body_json = prediction.as_json(self.base_url)
        if status := waited.pop("status", None):
            body_json["status"] = status
        headers = {"Location": f"{self.base_url}/v1/predictions/{prediction.id}", **waited}
        return web.json_response(body_json, status=201, headers=headers)

    async def _hold_for_wait(self, request: web.Request, prediction: Prediction) -> dict[str, str]:
        """`Prefer: wait[=N]`: hold until terminal; on timeout answer `starting`, which the SDK's run() polls."""
        prefer = request.headers.get("Prefer", "")
        if not prefer.startswith("wait") or prediction.task is None:
            return {}
        try:
            await asyncio.wait_for(asyncio.shield(prediction.task), float(prefer.partition("=")[2] or 60))
        except TimeoutError:
            return {"Preference-Applied": "wait", "status": "starting"}
        return {"Preference-Applied": "wait"}

    async def _lifecycle(self, prediction: Prediction) -> None:
        """Lasts the model's latency in all, however long rendering the output took (as a real model would)."""
        cfg = self.config
        latency_s = cfg.model_latency_s.get(prediction.model, cfg.latency_s)
        done_at = asyncio.get_running_loop().time() + latency_s
        await asyncio.sleep(latency_s * 0.3)
        prediction.status = "processing"
        outcome = self._outcome(prediction)
        output = await self._render(prediction) if outcome == "succeeded" else None
        prediction.metrics = output_metrics(prediction.model, prediction.input, output)
        await asyncio.sleep(max(0.0, done_at - asyncio.get_running_loop().time()))
        if prediction.status == "canceled":
            return
        prediction.status, prediction.output = outcome, output
        if outcome == "failed" and prediction.error is None:
            prediction.error = "Prediction failed: the model crashed (E1000)"

    def _outcome(self, prediction: Prediction) -> str:
        cfg = self.config
        prompt = str(prediction.input.get("prompt", "")).lower()
        if any(word.lower() in prompt for word in cfg.sensitive_words):
            prediction.error = "The input or output was flagged as sensitive. Please try again. (E005)"
            return "failed"
        for name, outcome in (("fail_next", "failed"), ("abort_next", "aborted"), ("cancel_next", "canceled")):
            if getattr(cfg, name) > 0:
                setattr(cfg, name, getattr(cfg, name) - 1)
                return outcome
        return "failed" if random.random() < cfg.failure_rate else "succeeded"

    async def _render(self, prediction: Prediction) -> Any:
        cfg, model_input = self.config, prediction.input
        if prediction.model in TEXT_MODELS:
            invalid = cfg.invalid_script_next > 0 and not (model_input.get("image_input") or model_input.get("images"))
            cfg.invalid_script_next -= 1 if invalid else 0
            return llm_answer(model_input, invalid=invalid)
        audio = prediction.model in MUSIC_MODELS or prediction.model in SPEECH_MODELS
        image_format = str(model_input.get("output_format", "jpg"))
        suffix = "mp3" if audio else image_format if prediction.model in IMAGE_MODELS else "mp4"
        out = self.files / f"{prediction.id}.{suffix}"
        if prediction.model in IMAGE_MODELS:
            make_image(out, model_input=model_input, image_format=image_format)
        elif prediction.model in SPEECH_MODELS:
            await make_speech(out, text=str(model_input["text"]), speed=float(model_input.get("speed", 1.0)))
        elif prediction.model in MUSIC_MODELS:
            await make_song(out, duration_s=float(model_input.get("duration", cfg.music_duration_s)))
        else:
            height = cfg.video_height or (1080 if model_input.get("resolution") == "1080p" else 720)
            aspect = str(model_input.get("aspect_ratio", "16:9"))
            seconds = float(model_input.get("duration", 5))
            if isinstance(model_input.get("image"), str) and str(model_input["image"]).startswith("data:"):
                first = decode_data_url(str(model_input["image"]), self.files / f"{prediction.id}.first")
                last = (decode_data_url(str(model_input["last_frame"]), self.files / f"{prediction.id}.last")
                        if "last_frame" in model_input else None)  # fmt: skip
                await make_video_between(out, first=first, last=last, duration_s=seconds, aspect_ratio=aspect,
                                         height=height)  # fmt: skip
            else:
                await make_video(out, duration_s=seconds, aspect_ratio=aspect, height=height)
        if cfg.data_urls:
            mime = (
                "audio/mpeg" if audio else f"image/{image_format}" if prediction.model in IMAGE_MODELS else "video/mp4"
            )
            return f"data:{mime};base64,{base64.b64encode(out.read_bytes()).decode()}"
        return f"{self.base_url}/files/{out.name}"

    async def _get(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return _problem(401, "Unauthenticated", "You did not pass a valid authentication token")
        self.stats.gets += 1
        prediction = self.predictions.get(request.match_info["id"])
        if prediction is None:
            return web.json_response({"detail": "Not found.", "status": 404}, status=404)
        return web.json_response(prediction.as_json(self.base_url))

    async def _cancel(self, request: web.Request) -> web.Response:
        prediction = self.predictions.get(request.match_info["id"])
        if prediction is None:
            return web.json_response({"detail": "Not found.", "status": 404}, status=404)
        self.stats.cancels += 1
        self.stats.cancels_of[prediction.id] += 1
        if prediction.status in {"starting", "processing"}:
            prediction.status = "canceled"
            self.stats.cancelled[prediction.model] += 1
        return web.json_response(prediction.as_json(self.base_url))

    async def _file(self, request: web.Request) -> web.StreamResponse:
        """Output files are signed delivery links: no token needed, and one sent here is counted as leaked."""
        if "Authorization" in request.headers:
            self.stats.token_leaks += 1
        path = self.files / request.match_info["name"]
        if not path.is_file() or path.parent != self.files:
            return web.Response(status=404)
        self.stats.downloads += 1
        return web.FileResponse(path)

    async def _stats(self, _: web.Request) -> web.Response:
        return web.json_response(self.stats.as_json())

    async def _configure(self, request: web.Request) -> web.Response:
        changes = await request.json()
        if changes.pop("reset_stats", False):
            self.stats = Stats()
        unknown = set(changes) - set(asdict(self.config))
        if unknown:
            return web.json_response({"detail": f"unknown settings: {sorted(unknown)}"}, status=400)
        for name, value in changes.items():
            setattr(self.config, name, value)
        return web.json_response(asdict(self.config))


def _problem(status: int, title: str, detail: str) -> web.Response:
    return web.json_response({"title": title, "detail": detail, "status": status}, status=status,
                             content_type="application/problem+json")  # fmt: skip


@asynccontextmanager
async def running_fake_replicate(config: FakeConfig | None = None, *, port: int = 0) -> AsyncIterator[FakeReplicate]:
    """Serve a fake on loopback inside the current event loop; `fake.base_url` is what the SDK gets."""
    fake = FakeReplicate(config)
    runner = web.AppRunner(fake.app())
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()
    bound = runner.addresses[0][1]
    fake.base_url = f"http://127.0.0.1:{bound}"
    try:
        yield fake
    finally:
        for prediction in fake.predictions.values():
            if prediction.task is not None:
                prediction.task.cancel()
        await runner.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8123)
    parser.add_argument("--token", default="test-token")
    parser.add_argument("--latency-s", type=float, default=0.5)
    parser.add_argument("--failure-rate", type=float, default=0.0)
    parser.add_argument("--video-height", type=int, default=None)
    args = parser.parse_args()
    config = FakeConfig(token=args.token, latency_s=args.latency_s, failure_rate=args.failure_rate,
                        video_height=args.video_height)  # fmt: skip

    async def serve() -> None:
        async with running_fake_replicate(config, port=args.port):
            await asyncio.Event().wait()

    asyncio.run(serve())


if __name__ == "__main__":
    main()

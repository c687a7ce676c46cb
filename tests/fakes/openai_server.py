"""A fake OpenAI speech API on loopback: `POST /v1/audio/speech` answering real audio.

Speech is espeak-ng at a rate scaled by `speed`, converted to the requested format. It enforces
the real limits (4096 chars, speed 0.25–4, voices per model, formats) with OpenAI's error envelope,
and can be scripted to throttle (429 + retry-after) or fail (503). Standalone:
`python -m tests.fakes.openai_server --port N`, counters at `GET /_fake/stats`, `POST /_fake/config`.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

from shared.ffmpeg import ffmpeg, run_tool
from tests.fakes.replicate_inputs import schema_for

TTS1_VOICES = {"alloy", "ash", "coral", "echo", "fable", "onyx", "nova", "sage", "shimmer"}
ALL_VOICES = TTS1_VOICES | {"ballad", "verse", "marin", "cedar"}
MODELS = {"tts-1", "tts-1-hd", "gpt-4o-mini-tts", "gpt-4o-mini-tts-2025-12-15"}
FORMATS = {
    "mp3": ("audio/mpeg", ["-c:a", "libmp3lame", "-f", "mp3"]),
    "wav": ("audio/wav", ["-f", "wav"]),
    "pcm": ("audio/pcm", ["-f", "s16le"]),
    "flac": ("audio/flac", ["-f", "flac"]),
    "aac": ("audio/aac", ["-c:a", "aac", "-f", "adts"]),
    "opus": ("audio/ogg", ["-c:a", "libopus", "-f", "ogg"]),
}
MAX_INPUT_CHARS = 4096


@dataclass
class FakeOpenAIConfig:
    token: str = "sk-test"
    throttle_next: int = 0  # the next N requests answer 429
    retry_after_s: float = 0.05
    error_next: int = 0  # the next N requests answer 503
    latency_s: float = 0.0  # each spoken answer takes at least this long, as the real service's does


@dataclass
class OpenAIStats:
    requests: int = 0
    spoken: int = 0
    throttled: int = 0
    characters: int = 0
    speeds: list[float] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)  # what was spoken, in order (paid once each)


def _error(status: int, message: str, *, kind: str, code: str | None = None, headers: dict[str, str] | None = None
           ) -> web.Response:  # fmt: skip
    body = {"error": {"message": message, "type": kind, "param": None, "code": code}}
    return web.json_response(body, status=status, headers=headers)


def _invalid(body: dict[str, Any]) -> str | None:
    """What is wrong with a speech request, in the server's words; None when it is acceptable."""
    text, model, voice = body.get("input"), body.get("model"), body.get("voice")
    speed, fmt = body.get("speed", 1.0), body.get("response_format", "mp3")
    if not isinstance(text, str) or not text:
        return "input is required"
    if len(text) > MAX_INPUT_CHARS:
        return (
            "[{'type': 'string_too_long', 'loc': ('body', 'input'),"
            " 'msg': 'String should have at most 4096 characters', 'ctx': {'max_length': 4096}}]"
        )
    if model not in MODELS:
        return f"Invalid model {model!r}"
    allowed = TTS1_VOICES if str(model).startswith("tts-1") else ALL_VOICES
    if voice not in allowed:
        return f"Invalid voice {voice!r} for {model}: expected one of {sorted(allowed)}"
    if not isinstance(speed, int | float) or not 0.25 <= speed <= 4.0:
        return f"speed must be between 0.25 and 4.0, got {speed!r}"
    if fmt not in FORMATS:
        return f"response_format must be one of {sorted(FORMATS)}"
    if tts_schema := schema_for(str(model)):  # the stored schema: anything else it lacks (e.g. `instructions`)
        unknown = sorted(set(body) - set(tts_schema["properties"]))
        if unknown:
            return f"Unrecognized request argument supplied: {', '.join(unknown)}"
    return None


async def synthesise(text: str, *, speed: float, fmt: str, workdir: Path) -> bytes:
    wav = workdir / "espeak.wav"
    wpm = max(80, min(450, round(175 * speed)))
    await run_tool(["espeak-ng", "-s", str(wpm), "-w", str(wav), text], timeout_s=30)
    out = workdir / f"speech.{fmt}"
    await ffmpeg(["-i", str(wav), "-ar", "24000", "-ac", "1", *FORMATS[fmt][1], str(out)], timeout_s=30)
    return out.read_bytes()


class FakeOpenAI:
    def __init__(self, config: FakeOpenAIConfig | None = None) -> None:
        self.config = config or FakeOpenAIConfig()
        self.stats = OpenAIStats()
        self.base_url = ""

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/v1/audio/speech", self._speech)
        app.router.add_get("/_fake/stats", self._stats)
        app.router.add_post("/_fake/config", self._configure)
        return app

    async def _speech(self, request: web.Request) -> web.Response:
        self.stats.requests += 1
        if request.headers.get("Authorization") != f"Bearer {self.config.token}":
            return _error(401, "Incorrect API key provided.", kind="invalid_request_error", code="invalid_api_key")
        if self.config.throttle_next > 0:
            self.config.throttle_next -= 1
            self.stats.throttled += 1
            headers = {"retry-after": str(self.config.retry_after_s)}
            message = "Rate limit reached for tts-1 on requests per min (RPM)."
            return _error(429, message, kind="requests", code="rate_limit_exceeded", headers=headers)
        if self.config.error_next > 0:
            self.config.error_next -= 1
            return _error(503, "The server is temporarily overloaded. Please try again later.", kind="server_error")
        body = await request.json()
        if problem := _invalid(body):
            return _error(400, problem, kind="invalid_request_error")
        fmt, speed = body.get("response_format", "mp3"), float(body.get("speed", 1.0))
        answer_at = asyncio.get_running_loop().time() + self.config.latency_s
        with tempfile.TemporaryDirectory(prefix="fake-openai-") as workdir:
            audio = await synthesise(body["input"], speed=speed, fmt=fmt, workdir=Path(workdir))
        await asyncio.sleep(max(0.0, answer_at - asyncio.get_running_loop().time()))
        self.stats.spoken += 1
        self.stats.characters += len(body["input"])
        self.stats.speeds.append(speed)
        self.stats.texts.append(body["input"])
        return web.Response(body=audio, content_type=FORMATS[fmt][0])

    async def _stats(self, _: web.Request) -> web.Response:
        return web.json_response(asdict(self.stats))

    async def _configure(self, request: web.Request) -> web.Response:
        changes = await request.json()
        if changes.pop("reset_stats", False):
            self.stats = OpenAIStats()
        for name, value in changes.items():
            if not hasattr(self.config, name):
                return web.json_response({"detail": f"unknown setting {name!r}"}, status=400)
            setattr(self.config, name, value)
        return web.json_response(asdict(self.config))


@asynccontextmanager
async def running_fake_openai(config: FakeOpenAIConfig | None = None, *, port: int = 0) -> AsyncIterator[FakeOpenAI]:
    """Serve a fake on loopback in the current loop; the SDK's base URL is `fake.base_url + "/v1"`."""
    fake = FakeOpenAI(config)
    runner = web.AppRunner(fake.app())
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    fake.base_url = f"http://127.0.0.1:{runner.addresses[0][1]}"
    try:
        yield fake
    finally:
        await runner.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8124)
    parser.add_argument("--token", default="sk-test")
    args = parser.parse_args()

    async def serve() -> None:
        async with running_fake_openai(FakeOpenAIConfig(token=args.token), port=args.port):
            await asyncio.Event().wait()

    asyncio.run(serve())


if __name__ == "__main__":
    main()

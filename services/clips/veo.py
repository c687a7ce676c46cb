"""Video models on Replicate as a `ClipMaker`: Veo 3.1 (or Veo 3.1 Fast, or Kling v2.1) behind one interface.

A scene is rendered at the nearest duration the model allows, starting from the previous scene's
last frame (sent inline as a small JPEG), then fitted locally to the exact scene length, frame size
and fps. The prediction id is checkpointed per scene, so a retry resumes it rather than paying twice.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from replicate.client import Client

from shared.config import Settings
from shared.ffmpeg import duration_s, ffmpeg
from shared.providers.base import CancelCheck, Checkpoints, Rendered
from shared.providers.media_fit import fit_clip_args, start_image_args
from shared.providers.replicate_client import replicate_client
from shared.providers.replicate_output import download_output
from shared.providers.replicate_runner import run_prediction
from shared.request import FRAME_SIZES
from shared.script import Scene, Script

DURATIONS_S: dict[str, tuple[int, ...]] = {"veo": (4, 6, 8), "kling": (5, 10)}


def family(model: str) -> str:
    return "kling" if model.startswith("kwaivgi/kling") else "veo"


def snap_duration(model: str, seconds: float) -> int:
    """The shortest duration the model allows that covers `seconds` (its longest when none does)."""
    allowed = DURATIONS_S[family(model)]
    return next((d for d in allowed if d >= seconds - 0.01), allowed[-1])


def clip_prompt(scene: Scene, script: Script) -> str:
    if script.style_notes and script.style_notes not in scene.visual_prompt:
        return f"{scene.visual_prompt} Style: {script.style_notes}"
    return scene.visual_prompt


def clip_input(model: str, scene: Scene, script: Script, *, start_image: str | None) -> dict[str, Any]:
    """The model input for one scene. Veo renders 16:9 or 9:16 only, so 1:1 is rendered 16:9 and cropped."""
    duration = snap_duration(model, scene.duration_s)
    if family(model) == "kling":
        mode = "pro" if script.resolution == "1080p" else "standard"
        return {"prompt": clip_prompt(scene, script), "start_image": start_image, "duration": duration, "mode": mode}
    model_input: dict[str, Any] = {
        "prompt": clip_prompt(scene, script),
        "duration": duration,
        "aspect_ratio": "9:16" if script.aspect_ratio == "9:16" else "16:9",
        "resolution": script.resolution,
        "generate_audio": False,
    }
    if start_image:
        model_input["image"] = start_image
    return model_input


def price_per_second(model: str, settings: Settings) -> float:
    prices = settings.prices
    if family(model) == "kling":
        return prices.kling_per_second
    return prices.veo_fast_per_second if model.endswith("-fast") else prices.veo_per_second


class VeoClipMaker:
    def __init__(self, settings: Settings, client: Client | None = None) -> None:
        self._settings = settings
        self._client = client or replicate_client(settings)
        self.model = settings.video_model
        self.name = f"replicate:{self.model}"

    async def make_clip(
        self,
        scene: Scene,
        script: Script,
        *,
        start_frame: Path | None,
        out: Path,
        checkpoints: Checkpoints,
        cancelled: CancelCheck,
    ) -> Rendered:
        frame = start_frame or (await self._neutral_frame(script, out) if family(self.model) == "kling" else None)
        start_image = await self._data_url(frame, out) if frame else None
        model_input = clip_input(self.model, scene, script, start_image=start_image)
        state = await run_prediction(
            self._client, self.model, model_input,
            checkpoints=checkpoints, key=f"prediction-scene-{scene.index}",
            deadline_s=self._settings.clip_timeout_s, poll_s=self._settings.provider_poll_s,
            cancelled=cancelled, purpose=f"video for scene {scene.index + 1}",
        )  # fmt: skip
        raw = out.with_name(f"{out.stem}.model.mp4")
        token = self._settings.replicate_api_token
        await download_output(state.output, raw, token=token.get_secret_value() if token else None)
        await self._fit(raw, out, script, scene.duration_s)
        cost = model_input["duration"] * price_per_second(self.model, self._settings)
        return Rendered(duration_s=await duration_s(out), cost_usd=round(cost, 4))

    async def _fit(self, raw: Path, out: Path, script: Script, seconds: float) -> None:
        width, height = FRAME_SIZES[(script.resolution, script.aspect_ratio)]
        args = fit_clip_args(
            raw, out, width=width, height=height, fps=self._settings.fps, duration_s=seconds,
            preset=self._settings.video_preset, crf=self._settings.video_crf,
        )  # fmt: skip
        await ffmpeg(args, timeout_s=self._settings.ffmpeg_timeout_factor * seconds + 30)

    async def _data_url(self, frame: Path, out: Path) -> str:
        jpeg = out.with_name(f"{out.stem}.start.jpg")
        await ffmpeg(start_image_args(frame, jpeg), timeout_s=30)
        return "data:image/jpeg;base64," + base64.b64encode(jpeg.read_bytes()).decode()

    async def _neutral_frame(self, script: Script, out: Path) -> Path:
        """Kling cannot start without an image: the first scene starts from a plain frame of the right shape."""
        width, height = FRAME_SIZES[(script.resolution, script.aspect_ratio)]
        frame = out.with_name(f"{out.stem}.neutral.png")
        await ffmpeg(
            ["-f", "lavfi", "-i", f"color=c=0xd8d4cc:s={width}x{height}", "-frames:v", "1", str(frame)], timeout_s=30
        )
        return frame

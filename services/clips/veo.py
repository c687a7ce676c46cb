"""Video models on Replicate as a `ClipMaker`: Veo 3.1 (or Veo 3.1 Fast, or Kling v2.1) behind one interface.

A scene is rendered at the nearest duration the model allows, from its start frame (a keyframe, or
the previous scene's last frame in chain mode) to its end frame when given (Veo's `last_frame`,
Kling's `end_image` in pro mode), both sent inline as small JPEGs, then fitted locally to the exact
scene length, frame size and fps. Veo renders only 16:9 and 9:16: a 1:1 ad is rendered 16:9 and cropped centred. A scene
longer than the model's longest shot (Veo: 8 s) is rendered as two (or more) generations, each
starting on the previous one's last frame, and joined: never a held frozen frame; only the last
generation is given the end frame. We never ask for
audio (`generate_audio: false`), so the catalogue's silent rates apply. Each generation's
prediction id is checkpointed, so a retry resumes it rather than paying twice.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from replicate.client import Client

from services.clips.frames import extract_last_frame
from shared.config import Settings
from shared.ffmpeg import duration_s, ffmpeg
from shared.providers.base import NO_LOOK, CancelCheck, Checkpoints, Look, Rendered
from shared.providers.catalogue import Model, Usage
from shared.providers.media_fit import fit_clip_args, start_image_args
from shared.providers.replicate_client import replicate_client
from shared.providers.replicate_output import download_output
from shared.providers.replicate_runner import run_prediction
from shared.providers.shots import family, shot_durations, snap_duration
from shared.request import FRAME_SIZES
from shared.script import Scene, Script


def clip_prompt(scene: Scene, script: Script) -> str:
    if script.style_notes and script.style_notes not in scene.visual_prompt:
        return f"{scene.visual_prompt} Style: {script.style_notes}"
    return scene.visual_prompt


def clip_input(
    model: str,
    scene: Scene,
    script: Script,
    *,
    start_image: str | None,
    end_image: str | None = None,
    duration: int | None = None,
) -> dict[str, Any]:
    """The model input for one generation. Veo renders 16:9 or 9:16 only, so 1:1 is rendered 16:9 and cropped.

    The end image is Veo's `last_frame`, which it accepts only with `image`; Kling takes `end_image`
    only in pro mode (1080p), so a 720p Kling scene ends where the model takes it.
    """
    duration = duration or snap_duration(model, scene.duration_s)
    if family(model) == "kling":
        mode = "pro" if script.resolution == "1080p" else "standard"
        kling: dict[str, Any] = {
            "prompt": clip_prompt(scene, script), "start_image": start_image, "duration": duration, "mode": mode,
        }  # fmt: skip
        if end_image and mode == "pro":
            kling["end_image"] = end_image
        return kling
    model_input: dict[str, Any] = {
        "prompt": clip_prompt(scene, script),
        "duration": duration,
        "aspect_ratio": "9:16" if script.aspect_ratio == "9:16" else "16:9",
        "resolution": script.resolution,
        "generate_audio": False,
    }
    if start_image:
        model_input["image"] = start_image
        if end_image:
            model_input["last_frame"] = end_image
    return model_input


class VeoClipMaker:
    def __init__(self, settings: Settings, model: Model, client: Client | None = None) -> None:
        self._settings = settings
        self._client = client or replicate_client(settings)
        self._model = model
        self.model = model.name
        self.name = f"replicate:{self.model}"

    async def make_clip(
        self,
        scene: Scene,
        script: Script,
        *,
        start_frame: Path | None,
        end_frame: Path | None = None,
        out: Path,
        checkpoints: Checkpoints,
        cancelled: CancelCheck,
        look: Look = NO_LOOK,  # the model takes its look from the start frame
    ) -> Rendered:
        frame = start_frame or (await self._neutral_frame(script, out) if family(self.model) == "kling" else None)
        shots: list[Path] = []
        seconds = 0
        durations = shot_durations(self.model, scene.duration_s)
        end_image = await self._data_url(end_frame, out.with_name(f"{out.stem}-end.mp4")) if end_frame else None
        for part, duration in enumerate(durations):
            start_image = await self._data_url(frame, out.with_name(f"{out.stem}-{part}.mp4")) if frame else None
            last = part == len(durations) - 1
            model_input = clip_input(
                self.model, scene, script, start_image=start_image, end_image=end_image if last else None,
                duration=duration,
            )  # fmt: skip
            key = f"prediction-scene-{scene.index}" + (f"-part-{part}" if part else "")
            state = await run_prediction(
                self._client, self.model, model_input,
                checkpoints=checkpoints, key=key,
                deadline_s=self._settings.clip_timeout_s, poll_s=self._settings.provider_poll_s,
                cancelled=cancelled, purpose=f"video for scene {scene.index + 1}",
            )  # fmt: skip
            raw = out.with_name(f"{out.stem}.model-{part}.mp4")
            await download_output(state.output, raw, settings=self._settings)
            shots.append(raw)
            seconds += duration
            frame = await extract_last_frame(raw, out.with_name(f"{out.stem}.model-{part}-last.png"))
        joined = shots[0] if len(shots) == 1 else await self._join(shots, out)
        # Ending on a keyframe: retime the render to the scene instead of cutting its end (and that frame) off.
        await self._fit(joined, out, script, scene.duration_s, retime_from_s=float(seconds) if end_frame else None)
        cost = self._model.price.cost(Usage(seconds=seconds))
        return Rendered(duration_s=await duration_s(out), cost_usd=cost)

    async def _join(self, shots: list[Path], out: Path) -> Path:
        """One continuous shot: each generation opens on the previous one's last frame."""
        joined = out.with_name(f"{out.stem}.joined.mp4")
        inputs = [arg for shot in shots for arg in ("-i", str(shot))]
        streams = "".join(f"[{k}:v]" for k in range(len(shots)))
        await ffmpeg(
            [*inputs, "-filter_complex", f"{streams}concat=n={len(shots)}:v=1:a=0[v]", "-map", "[v]",
             "-c:v", "libx264", "-preset", "ultrafast", "-crf", "12", "-pix_fmt", "yuv420p", str(joined)],
            timeout_s=self._settings.ffmpeg_timeout_factor * 16 + 30,
        )  # fmt: skip
        return joined

    async def _fit(
        self, raw: Path, out: Path, script: Script, seconds: float, *, retime_from_s: float | None = None
    ) -> None:
        width, height = FRAME_SIZES[(script.resolution, script.aspect_ratio)]
        args = fit_clip_args(
            raw, out, width=width, height=height, fps=self._settings.fps, duration_s=seconds,
            preset=self._settings.video_preset, crf=self._settings.video_crf, retime_from_s=retime_from_s,
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

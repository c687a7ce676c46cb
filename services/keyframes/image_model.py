"""Image models on Replicate as a `KeyframeMaker`: Nano Banana Pro (the default), Nano Banana 2, or
FLUX Kontext Pro, each given the product photos and the hero as reference images.

Nano Banana takes up to 14 references (`image_input`), FLUX Kontext exactly one (`input_image`: the
hero when there is one, else the first product photo). References are sent inline as small JPEGs
(data URLs: under ~256 KB, which Replicate advises for inline files). The output is fitted to the
frame (cover, centre crop) and stored as PNG. The prediction id is checkpointed under the image's
content address, so a retry resumes it and a duplicate never pays twice.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PIL import Image, ImageOps
from replicate.client import Client

from shared.config import Settings
from shared.errors import PermanentError
from shared.providers.base import CancelCheck, Checkpoints, KeyframeShot, Pictured
from shared.providers.catalogue import Model, Usage
from shared.providers.replicate_client import replicate_client
from shared.providers.replicate_output import download_output
from shared.providers.replicate_runner import run_prediction

_DEADLINE_S = 300.0
REFERENCE_MAX_SIDE = 1024
NANO_BANANA_MAX_REFERENCES = 14


def reference_data_url(image: Path) -> str:
    """A reference as a small inline JPEG (longest side REFERENCE_MAX_SIDE)."""
    with Image.open(image) as opened:
        small = opened.convert("RGB")
    small.thumbnail((REFERENCE_MAX_SIDE, REFERENCE_MAX_SIDE))
    buffer = io.BytesIO()
    small.save(buffer, format="JPEG", quality=85)
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode()


def _nano_banana(shot: KeyframeShot, references: list[str]) -> dict[str, Any]:
    return {
        "prompt": shot.prompt,
        "image_input": references[:NANO_BANANA_MAX_REFERENCES],
        "aspect_ratio": shot.aspect_ratio,
        "resolution": "1K" if max(shot.width, shot.height) <= 1280 else "2K",
        "output_format": "png",
    }


def _flux_kontext(shot: KeyframeShot, references: list[str]) -> dict[str, Any]:
    model_input: dict[str, Any] = {"prompt": shot.prompt, "aspect_ratio": shot.aspect_ratio, "output_format": "png"}
    if references:
        model_input |= {"input_image": references[0], "safety_tolerance": 2}  # at most 2 with an input image
    return model_input


BUILDERS: dict[str, Callable[[KeyframeShot, list[str]], dict[str, Any]]] = {
    "nano-banana": _nano_banana,
    "flux-kontext": _flux_kontext,
}


def image_input(family: str, shot: KeyframeShot, references: list[str]) -> dict[str, Any]:
    return BUILDERS[family](shot, references)


def fit_image(raw: Path, out: Path, *, width: int, height: int) -> None:
    """Cover the frame exactly (scale, centre crop): every keyframe is the size its clips are."""
    try:
        with Image.open(raw) as opened:
            fitted = ImageOps.fit(opened.convert("RGB"), (width, height), Image.Resampling.LANCZOS)
    except OSError as error:
        raise PermanentError(f"the image model returned something that is not an image: {error}") from error
    fitted.save(out, format="PNG", compress_level=1)


class ReplicateKeyframeMaker:
    def __init__(self, settings: Settings, model: Model, client: Client | None = None) -> None:
        self._settings = settings
        self._client = client or replicate_client(settings)
        self._model = model
        self.model = model.name
        self.name = f"replicate:{model.name}"

    async def make_keyframe(
        self, shot: KeyframeShot, *, product_photos: list[Path], hero: Path | None, out: Path,
        checkpoints: Checkpoints, checkpoint_key: str, cancelled: CancelCheck,
    ) -> Pictured:  # fmt: skip
        # The hero first: every boundary frame is anchored to it; then the user's own photos.
        references = [reference_data_url(path) for path in [*([hero] if hero else []), *product_photos]]
        state = await run_prediction(
            self._client, self.model, image_input(self._model.family, shot, references),
            checkpoints=checkpoints, key=checkpoint_key, deadline_s=_DEADLINE_S,
            poll_s=self._settings.provider_poll_s, cancelled=cancelled,
            purpose="the hero image" if shot.hero else "a keyframe",
        )  # fmt: skip
        raw = out.with_name(f"{out.stem}.model")
        await download_output(state.output, raw, settings=self._settings)
        fit_image(raw, out, width=shot.width, height=shot.height)
        return Pictured(cost_usd=self._model.price.cost(Usage(files=1)))

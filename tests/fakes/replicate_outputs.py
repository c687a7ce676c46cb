"""What the fake Replicate produces: real media made with ffmpeg, language-model answers built from the prompt,
and the metrics Replicate reports with them (token counts, characters, seconds of audio)."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
from pathlib import Path
from typing import Any

from PIL import Image

from shared.ffmpeg import ffmpeg, run_tool

STYLE_DESCRIPTION = "Soft pastel palette, warm morning light, shallow depth of field, calm handheld framing."


async def make_video(out: Path, *, duration_s: float, aspect_ratio: str, height: int) -> None:
    width, height = _size(aspect_ratio, height)
    await ffmpeg(
        ["-f", "lavfi", "-i", f"testsrc2=size={width}x{height}:rate=24", "-t", str(duration_s),
         "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", str(out)],
        timeout_s=60,
    )  # fmt: skip


def decode_data_url(url: str, out: Path) -> Path:
    out.write_bytes(base64.b64decode(url.partition(",")[2]))
    return out


def _size(aspect_ratio: str, height: int) -> tuple[int, int]:
    width = height * 16 // 9 if aspect_ratio == "16:9" else height * 9 // 16 if aspect_ratio == "9:16" else height
    return width - width % 2, height


async def make_video_between(
    out: Path, *, first: Path, last: Path | None, duration_s: float, aspect_ratio: str, height: int
) -> None:
    """What Veo does with `image` (and `last_frame`): opens on the first image, moves, and ends on the last.

    Moving test content runs between the two (so no second is frozen); without a last frame the
    clip ends in the moving content, as a model given only a start image would.
    """
    width, height = _size(aspect_ratio, height)
    fit = (
        f"scale={width}:{height}:force_original_aspect_ratio=increase,crop={width}:{height},"
        "setsar=1,fps=24,format=yuv420p"
    )
    inputs = [
        "-loop",
        "1",
        "-t",
        "0.6",
        "-i",
        str(first),
        "-f",
        "lavfi",
        "-t",
        f"{duration_s - 0.4:.3f}",
        "-i",
        f"testsrc2=size={width}x{height}:rate=24",
    ]
    graph = f"[0:v]{fit}[a];[1:v]{fit}[b];[a][b]xfade=transition=fade:duration=0.5:offset=0.1[x]"
    if last is not None:
        inputs += ["-loop", "1", "-t", "0.8", "-i", str(last)]
        graph += f";[2:v]{fit}[c];[x][c]xfade=transition=fade:duration=0.5:offset={duration_s - 0.8:.3f}[x2]"
    await ffmpeg(
        [*inputs, "-filter_complex", graph, "-map", "[x2]" if last is not None else "[x]", "-t", f"{duration_s}",
         "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", str(out)],
        timeout_s=60,
    )  # fmt: skip


_IMAGE_HEIGHTS = {"1K": 576, "2K": 1152, "4K": 2304}


def make_image(out: Path, *, model_input: dict[str, Any], image_format: str) -> None:
    """An image of the asked aspect ratio, coloured from the prompt, with the first reference pasted in
    its centre (so a frame made from the hero visibly carries it)."""
    aspect = str(model_input.get("aspect_ratio", "16:9"))
    ratio = {"16:9": 16 / 9, "9:16": 9 / 16, "1:1": 1.0, "4:3": 4 / 3, "3:4": 3 / 4}.get(aspect, 16 / 9)
    height = _IMAGE_HEIGHTS.get(str(model_input.get("resolution", "1K")), 576) // 2
    width = round(height * ratio)
    shade = hashlib.sha256(str(model_input.get("prompt", "")).encode()).digest()
    image = Image.new("RGB", (width, height), (shade[0], shade[1], shade[2]))
    references = model_input.get("image_input") or (
        [model_input["input_image"]] if "input_image" in model_input else []
    )
    if references:
        raw = base64.b64decode(str(references[0]).partition(",")[2])
        with Image.open(io.BytesIO(raw)) as reference:
            inset = reference.convert("RGB")
        inset.thumbnail((width // 2, height // 2))
        image.paste(inset, ((width - inset.width) // 2, (height - inset.height) // 2))
    image.save(out, format="PNG" if image_format == "png" else "JPEG")


async def make_song(out: Path, *, duration_s: float) -> None:
    await ffmpeg(
        ["-f", "lavfi", "-i", f"sine=frequency=220:duration={duration_s}", "-c:a", "libmp3lame", str(out)],
        timeout_s=60,
    )


async def make_speech(out: Path, *, text: str, speed: float) -> None:
    """Real speech (espeak-ng) at the asked speed, as MP3, so timings downstream are what is heard."""
    wav = out.with_suffix(".wav")
    wpm = max(80, min(450, round(175 * speed)))
    await run_tool(["espeak-ng", "-s", str(wpm), "-w", str(wav), "--stdin"], timeout_s=30, stdin=text.encode())
    await ffmpeg(["-i", str(wav), "-ar", "32000", "-ac", "1", "-c:a", "libmp3lame", str(out)], timeout_s=30)
    wav.unlink()


def output_metrics(model: str, model_input: dict[str, Any], output: Any) -> dict[str, Any]:
    """The usage Replicate reports on a terminal prediction, per kind of model."""
    if isinstance(output, list):  # a language model's token chunks
        prompt_chars = sum(len(str(model_input.get(k, ""))) for k in ("prompt", "system_prompt", "system_instruction"))
        return {"input_token_count": prompt_chars // 4 + 1, "output_token_count": len(output)}
    if "text" in model_input:  # speech: one token per character
        return {"input_token_count": len(str(model_input["text"]))}
    if "duration" in model_input:
        return {"output_seconds": model_input["duration"]}
    return {}


def _find(pattern: str, text: str, default: str) -> str:
    match = re.search(pattern, text, re.IGNORECASE)
    return match.group(1) if match else default


def script_for(prompt: str) -> dict[str, Any]:
    """A valid Script (shared.script) for the constraints stated in the prompt (a pharma closing copied as given)."""
    duration = int(float(_find(r"duration[^0-9]{0,20}(\d+(?:\.\d+)?) ?s", prompt, "30")))
    aspect = _find(r"(16:9|9:16|1:1)", prompt, "16:9")
    resolution = _find(r"resolution[^0-9]{0,5}(720p|1080p)", prompt, "1080p")
    pharma = re.search(r"ad type[^a-z]{0,5}pharmaceutical", prompt, re.IGNORECASE) is not None
    narration_wanted = re.search(r"needs_narration[^a-z]{0,5}(false|no)", prompt, re.IGNORECASE) is None
    fixed_json = re.search(r"^Fixed closing JSON: (\{.*\})$", prompt, re.MULTILINE)
    closing: dict[str, Any] = json.loads(fixed_json.group(1)) if pharma and fixed_json else {}
    own_s = float(closing.get("closing_starts_at_s", duration))
    count = max(1, min(6, round(own_s / 6)))
    lengths = [round(own_s / count, 1)] * count
    lengths[-1] = round(own_s - sum(lengths[:-1]), 1)
    scenes = [
        {"visual_prompt": f"Scene {i + 1}: a calm morning kitchen, soft light", "duration_s": d,
         "on_screen_text": f"Moment {i + 1}", "setting": "kitchen"}
        for i, d in enumerate(lengths)
    ]  # fmt: skip
    scenes += [
        {"visual_prompt": "A calm park at sunrise, slow wide shot", "duration_s": d, "setting": "park"}
        for d in closing.get("closing_scene_durations_s", [])
    ]
    narration: list[dict[str, Any]] = []
    if narration_wanted:
        narration.append({"text": "Start your day clear and calm.", "start_s": 0.5, "end_s": max(1.0, own_s - 1)})
        narration += closing.get("narration_to_append", [])
    return {
        "title": "A clear morning", "brand": "Claritex", "ad_type": "pharmaceutical" if pharma else "general",
        "aspect_ratio": aspect, "resolution": resolution, "duration_s": float(duration),
        "scenes": [{"index": i, **scene} for i, scene in enumerate(scenes)],
        "narration": narration, "safety_text": closing.get("safety_text", ""), "end_card": closing.get("end_card", []),
        "music_mood": "calm", "needs_narration": narration_wanted,
    }  # fmt: skip


def as_tokens(text: str, size: int = 7) -> list[str]:
    """Split text into the token chunks an LLM on Replicate streams (joined with "")."""
    return [text[i : i + size] for i in range(0, len(text), size)] + [""]


def llm_answer(model_input: dict[str, Any], *, invalid: bool) -> list[str]:
    if model_input.get("image_input") or model_input.get("images"):
        return as_tokens(STYLE_DESCRIPTION)
    if invalid:
        return as_tokens('```json\n{"title": "A clear morning", "scenes": [\n```')
    text = "```json\n" + json.dumps(script_for(str(model_input.get("prompt", "")))) + "\n```"
    return as_tokens(text)

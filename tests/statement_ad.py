"""A pharmaceutical ad rendered by the real stage code, for the statement's media tests and measurements.

The planner writes the script, espeak-ng speaks it through the narration handler (pace measured and
corrected), the keyless footage and music makers render the parts, and the composer composes them with
the narration's actual timings, as a job does, minus the queues and the ledger.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from services.clips.footage import FootageClipMaker
from services.clips.frames import extract_last_frame
from services.composer.brand import BrandStyle
from services.composer.compose import Composition, compose, encoding_for
from services.music.synth import SynthMusicMaker
from services.narration.espeak import EspeakNarrator
from services.narration.handler import build_handler
from shared.config import Settings
from shared.events import make_event
from shared.providers.base import MemoryCheckpoints, never_cancelled
from shared.request import AdRequest
from shared.script import NarrationTrack, Script
from shared.scripting.planner import plan
from tests.fakes.audio_stage_context import JOB_ID, USER_ID, context_for

SETTINGS = Settings(video_preset="ultrafast")


@dataclass(frozen=True)
class RenderedAd:
    request: AdRequest
    script: Script
    track: NarrationTrack
    composition: Composition
    narration: Path
    size: tuple[int, int]
    clips: tuple[Path, ...] = ()
    music: Path | None = None


async def render_pharma_ad(
    request: AdRequest, work: Path, *, settings: Settings = SETTINGS, brand: BrandStyle | None = None
) -> RenderedAd:
    work.mkdir(parents=True, exist_ok=True)
    script = plan(request)
    ctx = context_for(request, work, script=script)
    event = make_event("script.completed", job_id=JOB_ID, user_id=USER_ID, payload={
        "script_key": "k", "duration_s": script.duration_s, "scene_count": len(script.scenes), "needs_narration": True,
    })  # fmt: skip
    await build_handler(settings, EspeakNarrator(settings))(event, ctx)
    prefix = f"users/{USER_ID}/jobs/{JOB_ID}/audio/"
    stored = ctx.storage.objects  # type: ignore[attr-defined]
    track = NarrationTrack.model_validate_json(stored[prefix + "narration-timings.json"])
    narration = work / "narration-track.mp3"
    narration.write_bytes(stored[prefix + "narration.mp3"])
    clips, start = [], None
    maker = FootageClipMaker(settings)
    for scene in script.scenes:
        out = work / f"scene-{scene.index:02d}.mp4"
        await maker.make_clip(scene, script, start_frame=start, out=out, checkpoints=MemoryCheckpoints(),
                              cancelled=never_cancelled)  # fmt: skip
        start = await extract_last_frame(out, work / f"scene-{scene.index:02d}-last.png")
        clips.append(out)
    music = work / "music.wav"
    await SynthMusicMaker(settings).compose(script, duration_s=script.duration_s, out=music,
                                            checkpoints=MemoryCheckpoints(), cancelled=never_cancelled)  # fmt: skip
    encoding = encoding_for(script, fps=settings.fps, preset=settings.video_preset, crf=settings.video_crf)
    composition = await compose(
        script, clips=clips, music=music, narration=narration, target_lufs=request.loudness_lufs, encoding=encoding,
        workdir=work, timeout_factor=settings.ffmpeg_timeout_factor, track=track, brand=brand,
    )  # fmt: skip
    return RenderedAd(request, script, track, composition, narration, encoding.size, tuple(clips), music)

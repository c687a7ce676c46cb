"""The music stage: a background track of the script's full length, uploaded as `audio/music-<digest>.mp3`.

The finished track is stored and checkpointed under a key made of what determines it (the maker, the
mood, the title and kind the prompt names, the length), and so is the maker's own prediction, so a
redelivery or a later version of the job with the same music pays nothing and changed music is always
made anew. A version's cost counts only the track it paid for itself.
"""

from __future__ import annotations

import hashlib

from pydantic import BaseModel

from services.music.encode import mp3_args
from shared.config import Settings
from shared.events import Event
from shared.ffmpeg import ffmpeg
from shared.payloads import MusicCompletedPayload
from shared.providers.base import MusicMaker
from shared.script import Script
from shared.stage import Handler, StageContext, StageResult
from shared.storage import asset_key

TRACK_PREFIX = "music-"


class _Track(BaseModel):
    """The checkpoint of a finished track: where it is, what it cost, and which version of the job paid for it."""

    key: str
    duration_s: float
    cost_usd: float
    version: int = 1


def track_checkpoint(maker: str, script: Script, duration_s: float) -> str:
    """The checkpoint key of a track: the same maker, mood, title, kind and length always give the same music."""
    inputs = (maker, script.music_mood, script.title, script.ad_type, f"{duration_s:.3f}")
    return TRACK_PREFIX + hashlib.sha256("\n".join(inputs).encode()).hexdigest()[:20]


def build_handler(settings: Settings, music: MusicMaker) -> Handler:
    """The handler around the music maker `__main__` selected (tests pass their own)."""

    async def handle(event: Event, ctx: StageContext) -> StageResult:
        job = ctx.job
        script = await ctx.read_script()
        name = track_checkpoint(music.name, script, script.duration_s)
        note = ctx.checkpoints.get(name)
        track = _Track.model_validate_json(note) if note else await _make(music, ctx, script, name)
        ctx.log.info("music.made", provider=music.name, mood=script.music_mood, reused=note is not None)
        payload = MusicCompletedPayload(audio_key=track.key, duration_s=script.duration_s)
        return StageResult("music.completed", payload, cost_usd=track.cost_usd if track.version == job.version else 0.0)

    return handle


async def _make(music: MusicMaker, ctx: StageContext, script: Script, name: str) -> _Track:
    """Makes the track (the maker checkpoints its own prediction under the same content key) and stores it."""
    job = ctx.job
    raw = ctx.workdir / "music-source.wav"  # ffmpeg reads it by content, whatever the provider wrote
    made = await music.compose(
        script, duration_s=script.duration_s, out=raw, checkpoints=ctx.checkpoints, cancelled=ctx.cancelled
    )
    await ctx.raise_if_cancelled()
    mp3 = ctx.workdir / f"{name}.mp3"
    timeout_s = 30 + ctx.settings.ffmpeg_timeout_factor * script.duration_s
    await ffmpeg(mp3_args(raw, mp3, duration_s=script.duration_s), timeout_s=timeout_s)
    key = asset_key(job.user_id, job.job_id, "audio", f"{name}.mp3")
    await ctx.storage.upload_file(mp3, key)
    track = _Track(key=key, duration_s=made.duration_s, cost_usd=made.cost_usd, version=job.version)
    await ctx.checkpoints.put(name, track.model_dump_json())
    return track

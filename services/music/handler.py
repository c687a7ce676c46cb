"""The music stage: a background track of the script's full length, uploaded as `audio/music.mp3`."""

from __future__ import annotations

from services.music.encode import mp3_args
from shared.config import Settings
from shared.events import Event, MusicCompletedPayload
from shared.ffmpeg import ffmpeg
from shared.providers.base import MusicMaker
from shared.stage import Handler, StageContext, StageResult
from shared.storage import asset_key


def build_handler(settings: Settings, music: MusicMaker) -> Handler:
    """The handler around the music maker `__main__` selected (tests pass their own)."""

    async def handle(event: Event, ctx: StageContext) -> StageResult:
        job = ctx.job
        script = await ctx.read_script()
        raw = ctx.workdir / "music-source.wav"  # ffmpeg reads it by content, whatever the provider wrote
        made = await music.compose(
            script, duration_s=script.duration_s, out=raw, checkpoints=ctx.checkpoints, cancelled=ctx.cancelled
        )
        await ctx.raise_if_cancelled()
        mp3 = ctx.workdir / "music.mp3"
        timeout_s = 30 + ctx.settings.ffmpeg_timeout_factor * script.duration_s
        await ffmpeg(mp3_args(raw, mp3, duration_s=script.duration_s), timeout_s=timeout_s)
        key = asset_key(job.user_id, job.job_id, "audio", "music.mp3", version=job.version)
        await ctx.storage.upload_file(mp3, key)
        ctx.log.info("music.made", provider=music.name, mood=script.music_mood, duration_s=made.duration_s)
        payload = MusicCompletedPayload(audio_key=key, duration_s=script.duration_s)
        return StageResult("music.completed", payload, cost_usd=made.cost_usd)

    return handle

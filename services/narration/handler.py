"""The narration stage: each script segment spoken into its window, one voice-over track of the ad's length.

Each spoken segment is stored and checkpointed as soon as it exists, so a redelivered message
resumes after the last paid speech request instead of paying for the voice-over again.
Uploads `audio/narration.mp3` and the actual timings (`audio/narration-timings.json`, a
`NarrationTrack`) that captions and ducking are aligned to. A script without narration skips.
"""

from __future__ import annotations

from pydantic import BaseModel

from services.narration.placement import Placed, faster_speed, mix_args, start_for
from shared.config import Settings
from shared.events import Event, NarrationCompletedPayload, NarrationSkippedPayload
from shared.ffmpeg import ffmpeg
from shared.providers.base import Narrator, Spoken
from shared.script import NarrationSegment, NarrationTrack, SegmentTiming
from shared.stage import Handler, StageContext, StageResult
from shared.storage import asset_key

_MAX_RESPEAKS = 2


def build_handler(settings: Settings, voice: Narrator) -> Handler:
    """The handler around the narrator `__main__` selected (tests pass their own)."""

    async def handle(event: Event, ctx: StageContext) -> StageResult:
        job = ctx.job
        script = await ctx.read_script()
        if not script.needs_narration:
            return StageResult(
                "narration.skipped", NarrationSkippedPayload(reason="the ad has no voice-over"), skipped=True
            )
        placed: list[Placed] = []
        timings: list[SegmentTiming] = []
        cost_usd = 0.0
        for k, segment in enumerate(sorted(script.narration, key=lambda s: s.start_s)):
            await ctx.raise_if_cancelled()
            previous = placed[-1] if placed else None
            item, cost = await _resume_segment(ctx, k, previous=previous, total_s=script.duration_s) or (
                await _speak_into_window(
                    voice, segment, ctx, k, job.request.voice, previous=previous, total_s=script.duration_s
                )
            )
            placed.append(item)
            cost_usd += cost
            end_s = min(item.end_s, script.duration_s)
            timings.append(
                SegmentTiming(text=segment.text, kind=segment.kind, start_s=item.start_s, end_s=round(end_s, 3))
            )
        await ctx.raise_if_cancelled()
        mp3 = ctx.workdir / "narration.mp3"
        timeout_s = 30 + ctx.settings.ffmpeg_timeout_factor * script.duration_s
        await ffmpeg(mix_args(placed, total_s=script.duration_s, out=mp3), timeout_s=timeout_s)
        audio_key = asset_key(job.user_id, job.job_id, "audio", "narration.mp3")
        timings_key = asset_key(job.user_id, job.job_id, "audio", "narration-timings.json")
        await ctx.storage.upload_file(mp3, audio_key)
        track = NarrationTrack(duration_s=script.duration_s, segments=timings, engine=voice.name)
        ctx.log.info("narration.spoken", engine=voice.name, segments=len(timings))
        await ctx.storage.upload_bytes(track.model_dump_json(indent=2).encode(), timings_key)
        payload = NarrationCompletedPayload(
            audio_key=audio_key, timings_key=timings_key, duration_s=script.duration_s, cost_usd=cost_usd
        )
        return StageResult("narration.completed", payload, cost_usd=cost_usd)

    return handle


async def _resume_segment(
    ctx: StageContext, index: int, *, previous: Placed | None, total_s: float
) -> tuple[Placed, float] | None:
    """A segment spoken (and paid for) by an earlier attempt: fetched from storage, not spoken again."""
    note = ctx.checkpoints.get(f"segment-{index}")
    if note is None:
        return None
    saved = _SpokenSegment.model_validate_json(note)
    out = await ctx.storage.download_file(saved.key, ctx.workdir / f"segment-{index:02d}.wav")
    start = start_for(
        window_start_s=saved.window_start_s,
        previous_end_s=previous.end_s if previous else None,
        duration_s=saved.duration_s,
        total_s=total_s,
    )
    return Placed(path=out, start_s=start, duration_s=saved.duration_s), saved.cost_usd


class _SpokenSegment(BaseModel):
    """The checkpoint of one spoken segment: where its audio is and what it cost."""

    key: str
    duration_s: float
    cost_usd: float
    window_start_s: float


async def _speak_into_window(
    narrator: Narrator,
    segment: NarrationSegment,
    ctx: StageContext,
    index: int,
    voice: str,
    *,
    previous: Placed | None,
    total_s: float,
) -> tuple[Placed, float]:
    """Speak a segment, re-speaking faster (a bounded number of times) while it overruns its window."""
    out = ctx.workdir / f"segment-{index:02d}.wav"
    speed = segment.speed
    spoken: Spoken = await narrator.speak(
        segment.text, speed=speed, voice=voice, out=out, checkpoints=ctx.checkpoints, cancelled=ctx.cancelled
    )
    cost = spoken.cost_usd
    window_s = segment.end_s - segment.start_s
    for _ in range(_MAX_RESPEAKS):
        faster = faster_speed(speed=speed, base_speed=segment.speed, spoken_s=spoken.duration_s, window_s=window_s)
        if faster is None:
            break
        ctx.log.info("narration.respeaking", segment=index, spoken_s=spoken.duration_s, window_s=window_s, speed=faster)
        speed = faster
        spoken = await narrator.speak(
            segment.text, speed=speed, voice=voice, out=out, checkpoints=ctx.checkpoints, cancelled=ctx.cancelled
        )
        cost += spoken.cost_usd
    key = asset_key(ctx.job.user_id, ctx.job.job_id, "audio", f"segment-{index:02d}.wav")
    await ctx.storage.upload_file(out, key)
    saved = _SpokenSegment(key=key, duration_s=spoken.duration_s, cost_usd=cost, window_start_s=segment.start_s)
    await ctx.checkpoints.put(f"segment-{index}", saved.model_dump_json())
    start = start_for(
        window_start_s=segment.start_s,
        previous_end_s=previous.end_s if previous else None,
        duration_s=spoken.duration_s,
        total_s=total_s,
    )
    if start + spoken.duration_s > total_s:
        ctx.log.warning("narration.overruns_ad", segment=index, cut_s=round(start + spoken.duration_s - total_s, 3))
    return Placed(path=out, start_s=start, duration_s=spoken.duration_s), cost

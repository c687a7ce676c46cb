"""The narration stage: every script segment spoken at a calm, measured pace, one voice-over track of the ad's length.

Each segment is spoken at the script's speed and measured; the ad's lines are corrected together (one
re-synthesis at an adjusted `speed`) when they do not read at 140–160 wpm, then the major statement's pages
are spoken at that same speed and corrected so they read calmly and never faster than the rest.
Each spoken take is stored and checkpointed as soon as it exists under a key made from what determines
it (narrator, voice, speed, text), and so is each decided speed, so a redelivered message, or a later
version with the same lines, resumes without paying for any take twice. Uploads `audio/narration.mp3` and the actual
timings (`audio/narration-timings.json`, a `NarrationTrack`: audible start and end, speed and voice of
every segment) that captions, statement pages and ducking are aligned to. A script without narration skips.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from pathlib import PurePosixPath

from pydantic import BaseModel

from services.narration.pace import rest_speed, statement_speed, words_per_minute
from services.narration.placement import Placed, mix_args, start_for
from shared.config import Settings
from shared.events import Event
from shared.ffmpeg import ffmpeg
from shared.payloads import NarrationCompletedPayload, NarrationSkippedPayload, ScriptCompletedPayload
from shared.providers.base import Narrator
from shared.script import NarrationSegment, NarrationTrack, SegmentTiming
from shared.stage import Handler, StageContext, StageResult
from shared.statement import speakable
from shared.storage import asset_key

_Decision = Callable[[], Awaitable[float]]


TAKE_PREFIX = "take-"


class _Take(BaseModel):
    """The checkpoint of one spoken take: its text and speed, where its audio is, how long it is, what it cost,
    and which version of the job paid for it (a later version reusing it pays nothing)."""

    key: str
    duration_s: float
    cost_usd: float
    text: str = ""
    speed: float = 1.0
    version: int = 1


def take_checkpoint(narrator: str, voice: str, speed: float, text: str) -> str:
    """The checkpoint key of a take: the same narrator, voice, speed and text always give the same audio."""
    digest = hashlib.sha256(f"{narrator}\n{voice}\n{speed:.6f}\n{text}".encode()).hexdigest()[:20]
    return f"{TAKE_PREFIX}{digest}"


class _Speaker:
    """Speaks segments for one job, reusing takes an earlier attempt already paid for."""

    def __init__(self, narrator: Narrator, ctx: StageContext) -> None:
        self.narrator, self.ctx = narrator, ctx
        self.voice = ctx.job.request.voice
        self.takes: dict[int, _Take] = {}  # the take each segment is placed with (the last one asked for)
        self.used: dict[str, _Take] = {}  # every take this run spoke or reused, by checkpoint: what the stage cost

    async def take(self, index: int, segment: NarrationSegment, speed: float) -> _Take:
        """The segment at `speed`: the saved take of these words at that speed if there is one, else spoken now."""
        name = take_checkpoint(self.narrator.name, self.voice, speed, segment.text)
        note = self.ctx.checkpoints.get(name)
        if note is not None:
            self.takes[index] = self.used[name] = _Take.model_validate_json(note)
            return self.takes[index]
        await self.ctx.raise_if_cancelled()
        if index in self.takes:  # spoken before at another speed: this is the one correction
            self.ctx.log.info("narration.respeaking", segment=index, speed=speed)
        out = self.ctx.workdir / f"{name}.wav"
        spoken = await self.narrator.speak(
            speakable(segment.text), speed=speed, voice=self.voice, out=out,
            checkpoints=self.ctx.checkpoints, cancelled=self.ctx.cancelled,
        )  # fmt: skip
        key = asset_key(self.ctx.job.user_id, self.ctx.job.job_id, "audio", f"{name}.wav")
        await self.ctx.storage.upload_file(out, key)
        take = _Take(key=key, duration_s=spoken.duration_s, cost_usd=spoken.cost_usd, text=segment.text, speed=speed,
                     version=self.ctx.job.version)  # fmt: skip
        await self.ctx.checkpoints.put(name, take.model_dump_json())
        self.takes[index] = self.used[name] = take
        return take

    async def speed_decided(self, name: str, decide: _Decision) -> float:
        """A speed decided once per job (checkpointed), so a redelivery keeps to it."""
        note = self.ctx.checkpoints.get(name)
        if note is not None:
            return float(note)
        speed = await decide()
        await self.ctx.checkpoints.put(name, repr(speed))
        return speed

    def wpm(self, group: list[tuple[int, NarrationSegment]]) -> float:
        return words_per_minute([s.text for _, s in group], [self.takes[k].duration_s for k, _ in group])


async def _speak_all(speaker: _Speaker, segments: list[NarrationSegment]) -> None:
    """Prose first (one speed for all of it), then the end card, then the statement no faster than both."""
    prose = [(k, s) for k, s in enumerate(segments) if s.kind == "narration"]
    card = [(k, s) for k, s in enumerate(segments) if s.kind == "provision"]
    statement = [(k, s) for k, s in enumerate(segments) if s.kind == "safety"]
    base = prose[0][1].speed if prose else 1.0

    async def decide_prose() -> float:
        for k, segment in prose:
            await speaker.take(k, segment, base)
        return rest_speed(base, speaker.wpm(prose)) or base

    chosen = await speaker.speed_decided("rest-speed", decide_prose) if prose else base
    for k, segment in prose:
        await speaker.take(k, segment, chosen)

    # The end card reads phone digits and an address: its own calm pace, judged on its own words.
    async def decide_card() -> float:
        for k, segment in card:
            await speaker.take(k, segment, chosen)
        return rest_speed(chosen, speaker.wpm(card)) or chosen

    card_speed = await speaker.speed_decided("provision-speed", decide_card) if card else chosen
    for k, segment in card:
        await speaker.take(k, segment, card_speed)
    if not statement:
        return
    rest = prose + card
    # No faster than the prose, nor than everything else taken together.
    rest_wpm = min(speaker.wpm(prose) if prose else 1e9, speaker.wpm(rest) if rest else 1e9)
    # The statement's speed relative to the rest's is the script's (1.0, or the opted-in faster read).
    first = chosen * statement[0][1].speed

    async def decide_statement() -> float:
        for k, segment in statement:
            await speaker.take(k, segment, first)
        if statement[0][1].speed != 1.0:
            return first  # safety_pace="fast": read faster on purpose; the report fails MS-PACE
        measured = speaker.wpm(statement)
        return statement_speed(first, measured, rest_speed=chosen, rest_wpm=rest_wpm) or first

    spoken_at = await speaker.speed_decided("statement-speed", decide_statement)
    for k, segment in statement:
        await speaker.take(k, segment, spoken_at)


def build_handler(settings: Settings, voice: Narrator) -> Handler:
    """The handler around the narrator `__main__` selected (tests pass their own)."""

    async def handle(event: Event, ctx: StageContext) -> StageResult:
        job = ctx.job
        if not ctx.output_of("script", ScriptCompletedPayload).needs_narration:  # decided without the script
            return StageResult(
                "narration.skipped", NarrationSkippedPayload(reason="the ad has no voice-over"), skipped=True
            )
        script = await ctx.read_script()
        segments = sorted(script.narration, key=lambda s: s.start_s)
        speaker = _Speaker(voice, ctx)
        await _speak_all(speaker, segments)
        placed: list[Placed] = []
        timings: list[SegmentTiming] = []
        for k, segment in enumerate(segments):
            take = speaker.takes[k]
            path = ctx.workdir / PurePosixPath(take.key).name  # spoken in this run, or downloaded
            if not path.exists():
                await ctx.storage.download_file(take.key, path)
            previous = placed[-1].end_s if placed else None
            start = start_for(window_start_s=segment.start_s, previous_end_s=previous, duration_s=take.duration_s,
                              total_s=script.duration_s)  # fmt: skip
            if start + take.duration_s > script.duration_s:
                ctx.log.warning(
                    "narration.overruns_ad", segment=k, cut_s=round(start + take.duration_s - script.duration_s, 3)
                )
            placed.append(Placed(path=path, start_s=start, duration_s=take.duration_s))
            end_s = round(min(start + take.duration_s, script.duration_s), 3)
            timings.append(SegmentTiming(text=segment.text, kind=segment.kind, start_s=start, end_s=end_s,
                                         speed=take.speed, voice=job.request.voice))  # fmt: skip
        await ctx.raise_if_cancelled()
        mp3 = ctx.workdir / "narration.mp3"
        timeout_s = 30 + ctx.settings.ffmpeg_timeout_factor * script.duration_s
        await ffmpeg(mix_args(placed, total_s=script.duration_s, out=mp3), timeout_s=timeout_s)
        audio_key = asset_key(job.user_id, job.job_id, "audio", "narration.mp3", version=job.version)
        timings_key = asset_key(job.user_id, job.job_id, "audio", "narration-timings.json", version=job.version)
        await ctx.storage.upload_file(mp3, audio_key)
        track = NarrationTrack(duration_s=script.duration_s, segments=timings, engine=voice.name)
        ctx.log.info("narration.spoken", engine=voice.name, segments=len(timings))
        await ctx.storage.upload_bytes(track.model_dump_json(indent=2).encode(), timings_key)
        _log_pace(ctx, track)
        # What this version paid: the takes it spoke (also in an earlier attempt), not those it reused from before.
        cost_usd = sum(take.cost_usd for take in speaker.used.values() if take.version == job.version)
        payload = NarrationCompletedPayload(audio_key=audio_key, timings_key=timings_key, duration_s=script.duration_s)
        return StageResult("narration.completed", payload, cost_usd=cost_usd)

    return handle


def _log_pace(ctx: StageContext, track: NarrationTrack) -> None:
    def wpm(kinds: set[str]) -> float:
        chosen = [s for s in track.segments if s.kind in kinds]
        return round(words_per_minute([s.text for s in chosen], [s.end_s - s.start_s for s in chosen]), 1)

    ctx.log.info("narration.pace", statement_wpm=wpm({"safety"}), rest_wpm=wpm({"narration", "provision"}))

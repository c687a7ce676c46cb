"""The narration stage handler with a fake narrator: skipping, timings, fitting overlong lines, cancellation."""

from __future__ import annotations

import wave
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from services.narration.handler import build_handler
from shared.config import Settings
from shared.errors import JobCancelled
from shared.events import make_event
from shared.providers.base import Spoken
from shared.request import AdRequest
from shared.script import NarrationSegment, NarrationTrack, Scene, Script, SegmentTiming
from shared.stage import StageContext
from tests.fakes.audio_stage_context import JOB_ID, USER_ID, context_for
from tests.fakes.memory_storage import MemoryStorage

REQUEST = AdRequest(brief="A calm 12-second spot for Brewly coffee", duration_s=12, voice="nova")
EVENT = make_event("script.completed", job_id=JOB_ID, user_id=USER_ID, payload={
    "script_key": "k", "duration_s": 12, "scene_count": 2, "needs_narration": True,
})  # fmt: skip
PREFIX = f"users/{USER_ID}/jobs/{JOB_ID}/audio/"


@dataclass
class FakeNarrator:
    """Speaks `seconds_per_word / speed` per word into a silent WAV, and remembers each call."""

    seconds_per_word: float = 0.4
    calls: list[tuple[str, float, str]] = field(default_factory=list)
    name: str = "fake"

    async def speak(self, text: str, *, speed: float, voice: str, out: Path, checkpoints, cancelled) -> Spoken:
        self.calls.append((text, speed, voice))
        duration_s = round(len(text.split()) * self.seconds_per_word / speed, 3)
        with wave.open(str(out), "wb") as wav:
            wav.setnchannels(1)
            wav.setsampwidth(2)
            wav.setframerate(22050)
            wav.writeframes(bytes(2 * round(duration_s * 22050)))
        return Spoken(duration_s=duration_s, cost_usd=0.01)


def script_with(*segments: NarrationSegment, needs_narration: bool = True) -> Script:
    return Script(
        title="Brewly",
        duration_s=12,
        scenes=[Scene(index=0, duration_s=6, visual_prompt="a cup of coffee"),
                Scene(index=1, duration_s=6, visual_prompt="friends at a cafe")],
        narration=list(segments),
        needs_narration=needs_narration,
    )  # fmt: skip


def timings_in(ctx: StageContext) -> NarrationTrack:
    return NarrationTrack.model_validate_json(ctx.storage.objects[PREFIX + "narration-timings.json"])  # type: ignore[attr-defined]


CALM = NarrationSegment(text="Meet Brewly, made for slow mornings.", start_s=0.5, end_s=5.5)
SAFETY = NarrationSegment(text="Contains caffeine.", start_s=6.3, end_s=11.8, kind="safety", speed=1.45)


async def test_a_script_without_voice_over_skips_the_stage(tmp_path: Path) -> None:
    narrator = FakeNarrator()
    ctx = context_for(REQUEST, tmp_path, script=script_with(needs_narration=False))

    result = await build_handler(Settings(), narrator)(EVENT, ctx)

    assert (result.event_type, result.skipped) == ("narration.skipped", True)
    assert narrator.calls == []


async def test_the_skip_is_decided_from_the_script_stages_announcement_without_fetching_the_script(
    tmp_path: Path,
) -> None:
    storage = MemoryStorage()
    ctx = context_for(REQUEST, tmp_path, script=script_with(needs_narration=False), storage=storage)
    storage.objects.clear()  # a fetch of the script would now fail

    result = await build_handler(Settings(), FakeNarrator())(EVENT, ctx)

    assert (result.event_type, result.skipped) == ("narration.skipped", True)


async def test_each_segment_is_spoken_at_its_speed_and_its_timing_recorded(tmp_path: Path) -> None:
    narrator = FakeNarrator()
    ctx = context_for(REQUEST, tmp_path, script=script_with(CALM, SAFETY))

    result = await build_handler(Settings(), narrator)(EVENT, ctx)

    track = timings_in(ctx)
    assert narrator.calls == [(CALM.text, 1.0, "nova"), (SAFETY.text, 1.45, "nova")]
    assert [(s.kind, s.start_s, s.end_s) for s in track.segments] == [
        ("narration", 0.5, 0.5 + 2.4),
        ("safety", 6.3, round(6.3 + 0.8 / 1.45, 3)),
    ]
    assert track.duration_s == 12
    assert result.payload.model_dump() == {
        "audio_key": PREFIX + "narration.mp3",
        "timings_key": PREFIX + "narration-timings.json",
        "duration_s": 12.0,
    }
    assert result.cost_usd == pytest.approx(0.02)
    assert (PREFIX + "narration.mp3") in ctx.storage.objects  # type: ignore[attr-defined]


async def test_an_overlong_segment_is_re_spoken_faster_to_fit_its_window(tmp_path: Path) -> None:
    narrator = FakeNarrator(seconds_per_word=0.9)  # 6 words → 5.4 s in a 5.0 s window
    ctx = context_for(REQUEST, tmp_path, script=script_with(CALM))

    await build_handler(Settings(), narrator)(EVENT, ctx)

    track = timings_in(ctx)
    assert narrator.calls[0][1] == 1.0
    assert narrator.calls[-1][1] > 1.0
    assert track.segments[0].end_s <= CALM.end_s


async def test_segments_never_overlap_even_when_one_overruns(tmp_path: Path) -> None:
    narrator = FakeNarrator(seconds_per_word=2.0)  # far too slow: even the fastest re-read overruns
    ctx = context_for(REQUEST, tmp_path, script=script_with(CALM, SAFETY))

    await build_handler(Settings(), narrator)(EVENT, ctx)

    track = timings_in(ctx)
    first, second = track.segments
    assert first.end_s < second.start_s
    assert second.end_s <= 12


async def test_a_cancelled_job_stops_between_segments(tmp_path: Path) -> None:
    narrator = FakeNarrator()
    ctx = context_for(REQUEST, tmp_path, script=script_with(CALM, SAFETY), cancel_after_checks=1)

    with pytest.raises(JobCancelled):
        await build_handler(Settings(), narrator)(EVENT, ctx)

    assert [text for text, _, _ in narrator.calls] == [CALM.text]


async def test_a_redelivered_message_reuses_the_segments_already_spoken(tmp_path: Path) -> None:
    first = FakeNarrator()
    (tmp_path / "first").mkdir()
    (tmp_path / "again").mkdir()
    ctx = context_for(REQUEST, tmp_path / "first", script=script_with(CALM, SAFETY))
    await build_handler(Settings(), first)(EVENT, ctx)
    again = FakeNarrator()
    storage = ctx.storage
    resumed = context_for(REQUEST, tmp_path / "again", script=script_with(CALM, SAFETY), storage=storage)  # type: ignore[arg-type]
    resumed.checkpoints = ctx.checkpoints

    result = await build_handler(Settings(), again)(EVENT, resumed)

    assert len(first.calls) == 2
    assert again.calls == []
    assert result.cost_usd == pytest.approx(0.02)
    assert timings_in(resumed) == timings_in(ctx)


PHARMA_LINES = [
    NarrationSegment(text="Tired of sneezing and itchy eyes? You are not alone.", start_s=0.3, end_s=4.5),
    NarrationSegment(text="Claritex may cause drowsiness and dry mouth.", start_s=5.0, end_s=8.5, kind="safety"),
    NarrationSegment(text="Do not take it with alcohol or sleeping pills.", start_s=9.0, end_s=12.0, kind="safety"),
]


def _wpm(segments: list[SegmentTiming]) -> float:
    return sum(len(s.text.split()) for s in segments) * 60 / sum(s.end_s - s.start_s for s in segments)


@pytest.mark.parametrize("seconds_per_word", [0.3, 0.28, 0.5])  # 200, 214 and 120 wpm at speed 1.0
async def test_a_voice_off_the_calm_pace_is_corrected_once_and_the_statement_is_no_faster(
    tmp_path: Path, seconds_per_word: float
) -> None:
    narrator = FakeNarrator(seconds_per_word=seconds_per_word)
    ctx = context_for(REQUEST, tmp_path, script=script_with(*PHARMA_LINES))

    await build_handler(Settings(), narrator)(EVENT, ctx)

    track = timings_in(ctx)
    statement = [s for s in track.segments if s.kind == "safety"]
    rest = [s for s in track.segments if s.kind != "safety"]
    assert 140 <= _wpm(rest) <= 160
    assert 140 <= _wpm(statement) <= min(160, _wpm(rest))
    assert max(s.speed for s in statement) <= min(s.speed for s in rest)
    assert {s.voice for s in track.segments} == {"nova"}
    assert len(narrator.calls) <= 2 * len(PHARMA_LINES)  # one re-synthesis at most per segment


async def test_the_fast_safety_pace_opt_in_reads_the_statement_faster_than_the_rest(tmp_path: Path) -> None:
    fast = [s.model_copy(update={"speed": 1.45}) if s.kind == "safety" else s for s in PHARMA_LINES]
    narrator = FakeNarrator(seconds_per_word=0.4)
    ctx = context_for(REQUEST, tmp_path, script=script_with(*fast))

    await build_handler(Settings(), narrator)(EVENT, ctx)

    track = timings_in(ctx)
    statement = [s for s in track.segments if s.kind == "safety"]
    assert _wpm(statement) > 1.4 * _wpm([s for s in track.segments if s.kind != "safety"])
    assert {s.speed for s in statement} == {1.45}


async def test_a_redelivery_after_a_correction_pays_for_nothing_again(tmp_path: Path) -> None:
    (tmp_path / "first").mkdir()
    (tmp_path / "again").mkdir()
    ctx = context_for(REQUEST, tmp_path / "first", script=script_with(*PHARMA_LINES))
    await build_handler(Settings(), FakeNarrator(seconds_per_word=0.3))(EVENT, ctx)
    again = FakeNarrator(seconds_per_word=0.3)
    resumed = context_for(REQUEST, tmp_path / "again", script=script_with(*PHARMA_LINES), storage=ctx.storage)  # type: ignore[arg-type]
    resumed.checkpoints = ctx.checkpoints

    await build_handler(Settings(), again)(EVENT, resumed)

    assert again.calls == []
    assert timings_in(resumed) == timings_in(ctx)


async def test_a_changed_line_is_spoken_anew_and_only_it_when_the_checkpoints_are_carried_over(tmp_path: Path) -> None:
    """Takes are keyed by what they say: a new version with one line changed pays for that line alone."""
    (tmp_path / "first").mkdir()
    (tmp_path / "again").mkdir()
    ctx = context_for(REQUEST, tmp_path / "first", script=script_with(*PHARMA_LINES))
    await build_handler(Settings(), FakeNarrator(seconds_per_word=0.3))(EVENT, ctx)
    changed = PHARMA_LINES[0].model_copy(update={"text": "Tired of sneezing? Itchy, watery eyes? You are not alone."})
    again = FakeNarrator(seconds_per_word=0.3)
    revised = script_with(changed, *PHARMA_LINES[1:])
    resumed = context_for(REQUEST, tmp_path / "again", script=revised, storage=ctx.storage)  # type: ignore[arg-type]
    resumed.checkpoints = ctx.checkpoints

    await build_handler(Settings(), again)(EVENT, resumed)

    assert [text for text, _, _ in again.calls] == [changed.text]
    assert [s.text for s in timings_in(resumed).segments] == [s.text for s in (changed, *PHARMA_LINES[1:])]


async def test_a_later_version_pays_only_for_the_takes_it_spoke_itself(tmp_path: Path) -> None:
    """A version's cost is what it paid: takes reused from an earlier version count there, not here."""
    (tmp_path / "v1").mkdir()
    (tmp_path / "v2").mkdir()
    first = FakeNarrator(seconds_per_word=0.3)
    ctx = context_for(REQUEST, tmp_path / "v1", script=script_with(*PHARMA_LINES))
    paid_v1 = await build_handler(Settings(), first)(EVENT, ctx)
    changed = PHARMA_LINES[0].model_copy(update={"text": "Tired of sneezing? Itchy, watery eyes? You are not alone."})
    again = FakeNarrator(seconds_per_word=0.3)
    revised = context_for(REQUEST, tmp_path / "v2", script=script_with(changed, *PHARMA_LINES[1:]),
                          storage=ctx.storage)  # type: ignore[arg-type]  # fmt: skip
    revised.checkpoints = ctx.checkpoints
    revised.job = revised.job.model_copy(update={"version": 2})

    paid_v2 = await build_handler(Settings(), again)(EVENT, revised)

    assert paid_v1.cost_usd == pytest.approx(0.01 * len(first.calls))
    assert paid_v2.cost_usd == pytest.approx(0.01 * len(again.calls)) == pytest.approx(0.01)

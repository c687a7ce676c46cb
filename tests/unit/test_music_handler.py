"""The music stage reuses a finished track made from the same inputs, in a redelivery or a later version."""

from __future__ import annotations

from pathlib import Path

from services.music.handler import build_handler
from shared.config import Settings
from shared.events import make_event
from shared.ffmpeg import ffmpeg
from shared.providers.base import CancelCheck, Checkpoints, MemoryCheckpoints, Rendered
from shared.request import AdRequest
from shared.script import Scene, Script
from shared.stage import StageContext
from tests.fakes.audio_stage_context import JOB_ID, USER_ID, context_for

REQUEST = AdRequest(brief="A warm spot for Brewly coffee, calm and bright", duration_s=8, narration=False)
SCRIPT = Script(title="Brewly", duration_s=8, scenes=[Scene(index=0, duration_s=8, visual_prompt="a warm kitchen")],
                needs_narration=False, music_mood="calm")  # fmt: skip
EVENT = make_event("job.submitted", job_id=JOB_ID, user_id=USER_ID)  # the handler reads the job, not the event


class CountingMaker:
    """A paid music maker: a real (short) tone, a price, and a count of the tracks it was paid for."""

    name = "fake:music"

    def __init__(self) -> None:
        self.made: list[str] = []

    async def compose(
        self, script: Script, *, duration_s: float, out: Path, checkpoints: Checkpoints, cancelled: CancelCheck
    ) -> Rendered:
        self.made.append(script.music_mood)
        await ffmpeg(["-f", "lavfi", "-i", f"sine=frequency=440:duration={duration_s}", str(out)], timeout_s=30)
        return Rendered(duration_s=duration_s, cost_usd=0.05)


def _context(tmp_path: Path, script: Script, checkpoints: MemoryCheckpoints, version: int) -> StageContext:
    ctx = context_for(REQUEST, tmp_path / f"v{version}-{len(checkpoints.values)}", script=script)
    (tmp_path / f"v{version}-{len(checkpoints.values)}").mkdir(exist_ok=True)
    ctx.checkpoints = checkpoints
    ctx.job = ctx.job.model_copy(update={"version": version})
    return ctx


async def test_a_later_version_with_the_same_music_reuses_the_track_and_pays_nothing(tmp_path: Path) -> None:
    maker, carried = CountingMaker(), MemoryCheckpoints()
    handle = build_handler(Settings(), maker)

    first = await handle(EVENT, _context(tmp_path, SCRIPT, carried, version=1))
    again = await handle(EVENT, _context(tmp_path, SCRIPT, carried, version=1))  # a redelivery of version 1
    revised = await handle(EVENT, _context(tmp_path, SCRIPT, carried, version=2))

    assert maker.made == ["calm"]
    assert (first.cost_usd, again.cost_usd, revised.cost_usd) == (0.05, 0.05, 0.0)
    assert first.payload == again.payload == revised.payload


async def test_another_mood_is_made_anew_and_paid_by_the_version_that_asked(tmp_path: Path) -> None:
    maker, carried = CountingMaker(), MemoryCheckpoints()
    handle = build_handler(Settings(), maker)

    first = await handle(EVENT, _context(tmp_path, SCRIPT, carried, version=1))
    moody = SCRIPT.model_copy(update={"music_mood": "dramatic"})
    revised = await handle(EVENT, _context(tmp_path, moody, carried, version=2))

    assert maker.made == ["calm", "dramatic"]
    assert revised.cost_usd == 0.05
    assert revised.payload.audio_key != first.payload.audio_key  # type: ignore[attr-defined]

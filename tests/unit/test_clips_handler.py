from dataclasses import dataclass, field
from pathlib import Path

import pytest

from services.clips import handler as clips_handler
from shared.config import Settings
from shared.events import ScriptCompletedPayload, dump_event, make_event
from shared.job import Job, StageState
from shared.providers.base import MemoryCheckpoints, Rendered
from shared.request import AdRequest
from shared.script import NarrationSegment, Scene, Script
from shared.stage import StageContext, stage_context
from shared.storage import asset_key
from tests.fakes.memory_storage import MemoryStorage

SCRIPT_KEY = asset_key("u1", "j1", "script", "script.json")


@dataclass
class FakeClipMaker:
    name: str = "fake"
    calls: list[tuple[int, Path | None]] = field(default_factory=list)

    async def make_clip(self, scene, script, *, start_frame, out, checkpoints, cancelled):
        self.calls.append((scene.index, start_frame))
        out.write_bytes(f"clip {scene.index}".encode())
        return Rendered(duration_s=scene.duration_s, cost_usd=0.5)


def _script() -> Script:
    scenes = [Scene(index=i, duration_s=3.0, visual_prompt=f"scene {i} of the ad") for i in range(3)]
    return Script(
        title="Ad", duration_s=9.0, scenes=scenes, narration=[NarrationSegment(text="Hi.", start_s=0, end_s=2)]
    )


def _context(tmp_path: Path, storage: MemoryStorage, checkpoints: MemoryCheckpoints) -> StageContext:
    event = make_event(
        "script.completed", job_id="j1", user_id="u1",
        payload=ScriptCompletedPayload(script_key=SCRIPT_KEY, duration_s=9.0, scene_count=3, needs_narration=True),
    )  # fmt: skip
    job = Job(
        job_id="j1", user_id="u1", status="running", request=AdRequest(brief="An allergy relief spot"),
        stages={"script": StageState(status="succeeded", event=dump_event(event))},
        created_at="2025-01-01T00:00:00Z", updated_at="2025-01-01T00:00:00Z",
    )  # fmt: skip
    return stage_context(job, storage=storage, settings=Settings(), workdir=tmp_path, checkpoints=checkpoints)  # type: ignore[arg-type]


@pytest.fixture
def maker(monkeypatch: pytest.MonkeyPatch) -> FakeClipMaker:
    fake = FakeClipMaker()

    async def last_frame(clip: Path, out: Path) -> Path:
        out.write_text(f"last frame of {clip.read_text()}")
        return out

    async def thumbnail(clip: Path, out: Path, *, at_s: float) -> Path:
        out.write_text("jpeg")
        return out

    monkeypatch.setattr(clips_handler, "extract_last_frame", last_frame)
    monkeypatch.setattr(clips_handler, "extract_thumbnail", thumbnail)
    return fake


async def test_each_scene_starts_from_the_previous_scenes_last_frame(tmp_path, maker):
    storage = MemoryStorage(objects={SCRIPT_KEY: _script().model_dump_json().encode()})
    ctx = _context(tmp_path, storage, MemoryCheckpoints())

    result = await clips_handler.build_handler(Settings(), maker)(None, ctx)  # type: ignore[arg-type]

    assert [index for index, _ in maker.calls] == [0, 1, 2]
    assert maker.calls[0][1] is None
    assert maker.calls[2][1] is not None
    assert maker.calls[2][1].read_text() == "last frame of clip 1"
    assert result.event_type == "clips.completed"
    assert result.payload.clip_keys == [asset_key("u1", "j1", "clips", f"scene-{i:02d}.mp4") for i in range(3)]  # type: ignore[attr-defined]
    assert result.cost_usd == pytest.approx(1.5)


async def test_finished_scenes_are_checkpointed_with_their_clip_and_thumbnail_uploaded(tmp_path, maker):
    storage = MemoryStorage(objects={SCRIPT_KEY: _script().model_dump_json().encode()})
    checkpoints = MemoryCheckpoints()

    await clips_handler.build_handler(Settings(), maker)(None, _context(tmp_path, storage, checkpoints))  # type: ignore[arg-type]

    for i in range(3):
        assert checkpoints.get(f"scene-{i}") == asset_key("u1", "j1", "clips", f"scene-{i:02d}.mp4")
        assert asset_key("u1", "j1", "thumbnails", f"scene-{i:02d}.jpg") in storage.objects


async def test_a_redelivery_skips_finished_scenes_and_resumes_from_the_stored_clips_last_frame(tmp_path, maker):
    storage = MemoryStorage(objects={SCRIPT_KEY: _script().model_dump_json().encode()})
    done = {f"scene-{i}": asset_key("u1", "j1", "clips", f"scene-{i:02d}.mp4") for i in range(2)}
    for i, key in enumerate(done.values()):
        storage.objects[key] = f"stored clip {i}".encode()
    checkpoints = MemoryCheckpoints(values={**done, "scene-0-cost": "0.5", "scene-1-cost": "0.5"})

    result = await clips_handler.build_handler(Settings(), maker)(None, _context(tmp_path, storage, checkpoints))  # type: ignore[arg-type]

    assert [index for index, _ in maker.calls] == [2]
    assert storage.downloads == [done["scene-1"]]
    start_frame = maker.calls[0][1]
    assert start_frame is not None
    assert start_frame.read_text() == "last frame of stored clip 1"
    assert result.cost_usd == pytest.approx(1.5)


async def test_a_cancelled_job_stops_before_the_next_scene(tmp_path, maker):
    from shared.errors import JobCancelled

    storage = MemoryStorage(objects={SCRIPT_KEY: _script().model_dump_json().encode()})
    ctx = _context(tmp_path, storage, MemoryCheckpoints())

    async def cancelled() -> bool:
        return len(maker.calls) >= 1

    ctx.cancelled = cancelled

    with pytest.raises(JobCancelled):
        await clips_handler.build_handler(Settings(), maker)(None, ctx)  # type: ignore[arg-type]
    assert len(maker.calls) == 1

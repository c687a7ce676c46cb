"""The clips stage's logic: a plan per continuity mode, one scene per unit, content-addressed clips, the join."""

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from services.clips import continuity
from services.clips import handler as clips_handler
from shared.assets import ready_key
from shared.brand_kit import BrandKit
from shared.config import Settings
from shared.errors import JobCancelled, PermanentError
from shared.events import dump_event, make_event
from shared.job import Job, StageState
from shared.payloads import KeyframesCompletedPayload, SceneCompletedPayload, ScriptCompletedPayload
from shared.providers.base import NO_LOOK, Look, MemoryCheckpoints, Rendered
from shared.request import AdRequest
from shared.script import NarrationSegment, Scene, Script
from shared.stage import StageContext, UnitsHandler, stage_context
from shared.storage import asset_key
from tests.fakes.memory_storage import MemoryStorage

SCRIPT_KEY = asset_key("u1", "j1", "script", "script.json")


@dataclass
class FakeClipMaker:
    name: str = "fake"
    calls: list[tuple[int, Path | None]] = field(default_factory=list)
    end_frames: list[Path | None] = field(default_factory=list)
    looks: list[Look] = field(default_factory=list)

    async def make_clip(self, scene, script, *, start_frame, out, checkpoints, cancelled, end_frame=None, look=NO_LOOK):
        self.calls.append((scene.index, start_frame))
        self.end_frames.append(end_frame)
        self.looks.append(look)
        out.write_bytes(f"clip {scene.index} from {start_frame.read_text() if start_frame else 'nothing'}".encode())
        return Rendered(duration_s=scene.duration_s, cost_usd=0.5)


def _script(prompt: str = "of the ad") -> Script:
    scenes = [Scene(index=i, duration_s=3.0, visual_prompt=f"scene {i} {prompt}") for i in range(3)]
    return Script(
        title="Ad", duration_s=9.0, scenes=scenes, narration=[NarrationSegment(text="Hi.", start_s=0, end_s=2)]
    )


def _scene_done(index: int) -> StageState:
    payload = SceneCompletedPayload(
        index=index, clip_key=f"stored/scene-{index}.mp4", thumbnail_key=f"stored/scene-{index}.jpg", duration_s=3.0
    )
    event = make_event("scene.completed", job_id="j1", user_id="u1", payload=payload)
    return StageState(status="succeeded", event=dump_event(event))


def _keyframes_done(keys: list[str]) -> StageState:
    payload = KeyframesCompletedPayload(hero_key="kf/hero.png", keyframe_keys=keys)
    return StageState(
        status="succeeded",
        event=dump_event(make_event("keyframes.completed", job_id="j1", user_id="u1", payload=payload)),
    )


def _context(
    tmp_path: Path,
    storage: MemoryStorage,
    *,
    continuity_mode: str = "keyframes",
    done: tuple[int, ...] = (),
    keyframes: list[str] | None = None,
    brand_kit: BrandKit | None = None,
    product_photos: tuple[str, ...] = (),
) -> StageContext:
    event = make_event(
        "script.completed", job_id="j1", user_id="u1",
        payload=ScriptCompletedPayload(script_key=SCRIPT_KEY, duration_s=9.0, scene_count=3, needs_narration=True),
    )  # fmt: skip
    scenes = {str(i): _scene_done(i) if i in done else StageState() for i in range(3)}
    job = Job(
        job_id="j1", user_id="u1", status="running",
        request=AdRequest(brief="An allergy relief spot", continuity=continuity_mode,  # type: ignore[arg-type]
                          brand_kit=brand_kit, product_photos=list(product_photos)),
        stages={
            "script": StageState(status="succeeded", event=dump_event(event)),
            **({"keyframes": _keyframes_done(keyframes)} if keyframes is not None else {}),
            "clips": StageState(status="running", scenes=scenes, sequential=continuity_mode == "chain"),
        },
        created_at="2025-01-01T00:00:00Z", updated_at="2025-01-01T00:00:00Z",
    )  # fmt: skip
    workdir = tmp_path / f"attempt-{len(list(tmp_path.iterdir()))}"
    workdir.mkdir()
    return stage_context(job, storage=storage, settings=Settings(), workdir=workdir, checkpoints=MemoryCheckpoints())  # type: ignore[arg-type]


@pytest.fixture
def maker(monkeypatch: pytest.MonkeyPatch) -> FakeClipMaker:
    async def last_frame(clip: Path, out: Path) -> Path:
        out.write_text(f"last frame of {clip.read_text()}")
        return out

    async def thumbnail(clip: Path, out: Path, *, at_s: float) -> Path:
        out.write_text("jpeg")
        return out

    monkeypatch.setattr(continuity, "extract_last_frame", last_frame)
    monkeypatch.setattr(clips_handler, "extract_thumbnail", thumbnail)
    return FakeClipMaker()


def _storage(script: Script | None = None) -> MemoryStorage:
    return MemoryStorage(objects={SCRIPT_KEY: (script or _script()).model_dump_json().encode()})


def _handler(maker: FakeClipMaker) -> UnitsHandler:
    return clips_handler.build_handler(Settings(), maker)


async def test_the_plan_is_one_unit_per_scene_all_at_once_with_keyframes_and_one_after_another_in_a_chain(
    tmp_path, maker
):
    storage = _storage()
    keyframes = await _handler(maker).plan(None, _context(tmp_path, storage))  # type: ignore[arg-type]
    chain = await _handler(maker).plan(None, _context(tmp_path, storage, continuity_mode="chain"))  # type: ignore[arg-type]

    assert (keyframes.units, keyframes.sequential) == (3, False)
    assert (chain.units, chain.sequential) == (3, True)


async def test_in_a_chain_a_scene_opens_on_the_previous_scenes_stored_clips_last_frame(tmp_path, maker):
    storage = _storage()
    storage.objects["stored/scene-1.mp4"] = b"stored clip 1"

    await _handler(maker).run(0, _context(tmp_path, storage, continuity_mode="chain"))
    await _handler(maker).run(2, _context(tmp_path, storage, continuity_mode="chain", done=(0, 1)))

    assert maker.calls[0] == (0, None)
    index, start_frame = maker.calls[1]
    assert index == 2
    assert start_frame is not None
    assert start_frame.read_text() == "last frame of stored clip 1"
    assert storage.downloads[-1] == "stored/scene-1.mp4"


PHOTO_ID = "ab" * 16
BRAND = BrandKit(colours=["#C8102E", "#FFD100"])


async def test_a_scene_drawn_without_an_end_frame_gets_the_brands_colours_and_product_photo(tmp_path, maker):
    """In a chain no keyframe closes a scene, so a keyless maker draws it: in the brand's look, as keyframes are."""
    storage = _storage()
    storage.objects[ready_key("u1", PHOTO_ID)] = b"the product photo"
    branded = _context(tmp_path, storage, continuity_mode="chain", brand_kit=BRAND, product_photos=(PHOTO_ID,))

    await _handler(maker).run(0, branded)
    await _handler(maker).run(0, _context(tmp_path, storage, continuity_mode="chain"))

    with_brand, plain = maker.looks
    assert with_brand.colours == ("#C8102E", "#FFD100")
    assert with_brand.product_photo is not None
    assert with_brand.product_photo.read_bytes() == b"the product photo"
    assert plain == NO_LOOK
    stored = [key for key in storage.objects if key.endswith(".mp4")]
    assert len(stored) == 2, "the look is part of the clip's content address: two looks, two clips"


async def test_a_scene_between_two_keyframes_needs_no_look_its_frames_carry_it(tmp_path, maker):
    storage = _storage()
    for k in range(4):
        storage.objects[f"kf/{k}.png"] = f"keyframe {k}".encode()
    keyframes = [f"kf/{k}.png" for k in range(4)]

    await _handler(maker).run(1, _context(tmp_path, storage, keyframes=keyframes, brand_kit=BRAND))

    assert maker.looks == [NO_LOOK]


async def test_in_a_chain_a_scene_whose_predecessor_is_not_done_is_not_rendered(tmp_path, maker):
    with pytest.raises(RuntimeError, match="before scene 0 was done"):
        await _handler(maker).run(1, _context(tmp_path, _storage(), continuity_mode="chain"))
    assert maker.calls == []


async def test_with_keyframes_every_scene_renders_on_its_own_without_waiting_for_another(tmp_path, maker):
    storage = _storage()
    for index in (2, 0, 1):  # any order: no scene reads another
        await _handler(maker).run(index, _context(tmp_path, storage))
    assert sorted(maker.calls, key=lambda call: call[0]) == [(0, None), (1, None), (2, None)]


async def test_with_keyframes_scene_k_runs_from_keyframe_k_to_keyframe_k_plus_one(tmp_path, maker):
    storage = _storage()
    keys = [f"kf/kf-{k:02d}.png" for k in range(4)]
    for k, key in enumerate(keys):
        storage.objects[key] = f"keyframe {k}".encode()

    for index in (1, 2):
        await _handler(maker).run(index, _context(tmp_path, storage, keyframes=keys))

    starts = [frame.read_bytes() for _, frame in maker.calls if frame is not None]
    ends = [frame.read_bytes() for frame in maker.end_frames if frame is not None]
    assert starts == [b"keyframe 1", b"keyframe 2"]
    assert ends == [b"keyframe 2", b"keyframe 3"]  # scene 1 closes on the frame scene 2 opens on


async def test_a_changed_keyframe_is_a_new_address_and_the_same_keyframes_reuse_the_clip(tmp_path, maker):
    storage = _storage()
    keys = ["kf/a.png", "kf/b.png", "kf/c.png", "kf/d.png"]
    storage.objects.update({key: key.encode() for key in keys})
    first = await _handler(maker).run(0, _context(tmp_path, storage, keyframes=keys))
    again = await _handler(maker).run(0, _context(tmp_path, storage, keyframes=keys))
    storage.objects["kf/b.png"] = b"a new closing frame"
    changed = await _handler(maker).run(0, _context(tmp_path, storage, keyframes=keys))

    assert first.payload == again.payload
    assert changed.payload.clip_key != first.payload.clip_key  # type: ignore[attr-defined]
    assert len(maker.calls) == 2


async def test_a_scene_is_stored_under_its_content_address_and_announced_with_its_cost(tmp_path, maker):
    storage = _storage()

    result = await _handler(maker).run(1, _context(tmp_path, storage))

    payload = result.payload
    assert isinstance(payload, SceneCompletedPayload)
    assert result.event_type == "scene.completed"
    assert payload.index == 1
    assert payload.duration_s == 3.0
    assert payload.clip_key.startswith(asset_key("u1", "j1", "clips", "scene-01-"))
    assert storage.objects[payload.clip_key] == b"clip 1 from nothing"
    assert payload.thumbnail_key in storage.objects
    assert result.cost_usd == pytest.approx(0.5)


async def test_the_same_scene_asked_again_reuses_its_stored_clip_and_pays_nothing(tmp_path, maker):
    storage = _storage()
    first = await _handler(maker).run(1, _context(tmp_path, storage))

    again = await _handler(maker).run(1, _context(tmp_path, storage))

    assert len(maker.calls) == 1
    assert again.payload == first.payload
    assert again.cost_usd == 0.0


async def test_a_changed_prompt_or_start_frame_is_a_new_address_and_is_rendered(tmp_path, maker):
    storage = _storage()
    storage.objects["stored/scene-0.mp4"] = b"stored clip 0"
    first = await _handler(maker).run(1, _context(tmp_path, storage, continuity_mode="chain", done=(0,)))
    storage.objects["stored/scene-0.mp4"] = b"scene 0 rendered again, differently"
    other_frame = await _handler(maker).run(1, _context(tmp_path, storage, continuity_mode="chain", done=(0,)))
    storage.objects[SCRIPT_KEY] = _script(prompt="with a new look").model_dump_json().encode()
    other_prompt = await _handler(maker).run(1, _context(tmp_path, storage, continuity_mode="chain", done=(0,)))

    keys = {r.payload.clip_key for r in (first, other_frame, other_prompt)}  # type: ignore[attr-defined]
    assert len(keys) == 3
    assert len(maker.calls) == 3


async def test_a_cancelled_job_stops_before_paying_for_the_scene(tmp_path, maker):
    ctx = _context(tmp_path, _storage())

    async def cancelled() -> bool:
        return True

    ctx.cancelled = cancelled
    with pytest.raises(JobCancelled):
        await _handler(maker).run(0, ctx)
    assert maker.calls == []


async def test_the_join_lists_every_scenes_clip_in_scene_order(tmp_path, maker):
    result = await _handler(maker).join(_context(tmp_path, _storage(), done=(0, 1, 2)))

    assert result.event_type == "clips.completed"
    assert result.payload.clip_keys == [f"stored/scene-{i}.mp4" for i in range(3)]  # type: ignore[attr-defined]
    assert result.payload.thumbnail_keys == [f"stored/scene-{i}.jpg" for i in range(3)]  # type: ignore[attr-defined]
    assert result.payload.duration_s == 9.0  # type: ignore[attr-defined]


async def test_a_join_with_a_scene_missing_fails_rather_than_announcing_a_short_ad(tmp_path, maker):
    with pytest.raises(PermanentError, match="scenes missing"):
        await _handler(maker).join(_context(tmp_path, _storage(), done=(0, 2)))

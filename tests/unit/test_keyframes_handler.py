"""The keyframes stage: a hero then N+1 boundaries (one in chain mode), stored and content-addressed."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from services.keyframes.handler import build_handler
from shared.assets import ready_key
from shared.config import Settings
from shared.errors import PermanentError
from shared.events import dump_event, make_event
from shared.job import Job, StageState
from shared.keyframe_plan import plan_keyframes
from shared.payloads import KeyframesCompletedPayload, ScriptCompletedPayload
from shared.providers.base import KeyframeShot, MemoryCheckpoints, Pictured
from shared.request import AdRequest
from shared.script import Scene, Script
from shared.stage import StageContext, stage_context
from shared.storage import asset_key
from tests.fakes.memory_storage import MemoryStorage

SCRIPT_KEY = asset_key("u1", "j1", "script", "script.json")


@dataclass
class CountingMaker:
    """Writes each shot's prompt as the image, so tests can read what was asked for."""

    name: str = "counting"
    model: str = "test/model-1"
    made: list[tuple[KeyframeShot, Path | None]] = field(default_factory=list)
    photos: list[list[bytes]] = field(default_factory=list)

    async def make_keyframe(self, shot, *, product_photos, hero, out, checkpoints, checkpoint_key, cancelled):
        self.made.append((shot, hero))
        self.photos.append([photo.read_bytes() for photo in product_photos])
        out.write_text(shot.prompt)
        return Pictured(cost_usd=0.13)


def _script(prompts: tuple[str, ...] = ("a forest trail in the rain", "a kitchen table", "a pack on a plinth")):
    scenes = [Scene(index=i, duration_s=4.0, visual_prompt=p, setting="") for i, p in enumerate(prompts)]
    return Script(title="Ad", brand="Claritex", duration_s=4.0 * len(scenes), scenes=scenes, needs_narration=False)


def _context(tmp_path: Path, storage: MemoryStorage, checkpoints: MemoryCheckpoints, **request: object) -> StageContext:
    event = make_event(
        "script.completed", job_id="j1", user_id="u1",
        payload=ScriptCompletedPayload(script_key=SCRIPT_KEY, duration_s=12.0, scene_count=3, needs_narration=False),
    )  # fmt: skip
    job = Job(
        job_id="j1", user_id="u1", status="running", request=AdRequest(brief="An allergy relief spot", **request),
        stages={"script": StageState(status="succeeded", event=dump_event(event))},
        created_at="2025-01-01T00:00:00Z", updated_at="2025-01-01T00:00:00Z",
    )  # fmt: skip
    return stage_context(job, storage=storage, settings=Settings(), workdir=tmp_path, checkpoints=checkpoints)  # type: ignore[arg-type]


async def _run(tmp_path, maker, storage, checkpoints, **request):
    work = tmp_path / f"attempt-{len(list(tmp_path.iterdir()))}"
    work.mkdir()
    return await build_handler(Settings(), maker)(None, _context(work, storage, checkpoints, **request))  # type: ignore[arg-type]


async def test_a_hero_then_one_boundary_per_cut_and_one_closing_each_made_from_the_hero(tmp_path):
    storage = MemoryStorage(objects={SCRIPT_KEY: _script().model_dump_json().encode()})
    maker = CountingMaker()

    result = await _run(tmp_path, maker, storage, MemoryCheckpoints())

    payload = result.payload
    assert isinstance(payload, KeyframesCompletedPayload)
    assert result.event_type == "keyframes.completed"
    assert len(payload.keyframe_keys) == 4  # N+1 for N = 3 scenes
    assert payload.continuity == "keyframes"
    hero_shot, hero_ref = maker.made[0]
    assert hero_shot.hero
    assert hero_ref is None
    assert all(ref is not None and ref.read_text() == hero_shot.prompt for _, ref in maker.made[1:])
    assert "forest trail" in storage.objects[payload.keyframe_keys[0]].decode()
    assert maker.made[-1][0].shows_product  # the closing frame is the product's
    assert all(key.startswith("users/u1/jobs/j1/keyframes/") for key in [payload.hero_key, *payload.keyframe_keys])
    assert result.cost_usd == pytest.approx(5 * 0.13)


async def test_a_redelivery_pays_for_nothing_and_announces_the_same_keys(tmp_path):
    storage = MemoryStorage(objects={SCRIPT_KEY: _script().model_dump_json().encode()})
    checkpoints, maker = MemoryCheckpoints(), CountingMaker()
    first = await _run(tmp_path, maker, storage, checkpoints)

    again = await _run(tmp_path, maker, storage, checkpoints)

    assert len(maker.made) == 5
    assert again.payload == first.payload
    assert again.cost_usd == first.cost_usd
    assert all(json.loads(value)["key"] for key, value in checkpoints.values.items() if key.startswith("image-"))


async def test_a_changed_scene_pays_for_its_own_frame_only(tmp_path):
    checkpoints, maker = MemoryCheckpoints(), CountingMaker()
    storage = MemoryStorage(objects={SCRIPT_KEY: _script().model_dump_json().encode()})
    first = await _run(tmp_path, maker, storage, checkpoints)
    storage.objects[SCRIPT_KEY] = (
        _script(("a forest trail in the rain", "a sunny beach", "a pack on a plinth")).model_dump_json().encode()
    )

    second = await _run(tmp_path, maker, storage, checkpoints)

    assert len(maker.made) == 6  # one new image: scene 1's opening
    assert maker.made[-1][0].prompt.startswith("The opening frame of a shot: a sunny beach")
    changed = [
        k
        for k, (a, b) in enumerate(zip(first.payload.keyframe_keys, second.payload.keyframe_keys, strict=True))
        if a != b
    ]  # type: ignore[attr-defined]
    assert changed == [1]


async def test_a_changed_model_pays_again(tmp_path):
    checkpoints = MemoryCheckpoints()
    storage = MemoryStorage(objects={SCRIPT_KEY: _script().model_dump_json().encode()})
    await _run(tmp_path, CountingMaker(), storage, checkpoints)
    other = CountingMaker(model="test/model-2")

    await _run(tmp_path, other, storage, checkpoints)

    assert len(other.made) == 5


PHOTO_ID = "0123456789abcdef0123456789abcdef"


async def test_the_users_product_photo_and_brand_colours_reach_every_image_and_a_new_photo_pays_again(tmp_path):
    photo = b"\x89PNG\r\n\x1a\n a product photo"
    storage = MemoryStorage(
        objects={SCRIPT_KEY: _script().model_dump_json().encode(), ready_key("u1", PHOTO_ID): photo}
    )
    checkpoints, maker = MemoryCheckpoints(), CountingMaker()
    kit = {"colours": ["#7a1f5c", "#F2C14E"]}

    await _run(tmp_path, maker, storage, checkpoints, product_photos=[PHOTO_ID], brand_kit=kit)
    storage.objects[ready_key("u1", PHOTO_ID)] = photo + b" retouched"
    await _run(tmp_path, maker, storage, checkpoints, product_photos=[PHOTO_ID], brand_kit=kit)

    assert maker.photos[:5] == [[photo]] * 5
    assert {shot.colours for shot, _ in maker.made} == {("#7A1F5C", "#F2C14E")}
    assert len(maker.made) == 10  # every image is made from the photo: a changed photo changes them all


async def test_a_later_version_pays_only_for_the_frames_it_makes_itself(tmp_path):
    checkpoints, maker = MemoryCheckpoints(), CountingMaker()
    storage = MemoryStorage(objects={SCRIPT_KEY: _script().model_dump_json().encode()})
    await _run(tmp_path, maker, storage, checkpoints)
    storage.objects[SCRIPT_KEY] = (
        _script(("a forest trail in the rain", "a sunny beach", "a pack on a plinth")).model_dump_json().encode()
    )
    (tmp_path / "v2").mkdir()
    ctx = _context(tmp_path / "v2", storage, checkpoints)
    ctx.job = ctx.job.model_copy(update={"version": 2})

    revised = await build_handler(Settings(), maker)(None, ctx)  # type: ignore[arg-type]

    assert len(maker.made) == 6
    assert revised.cost_usd == pytest.approx(0.13)  # the four frames and the hero it reuses were paid by version 1


async def test_chain_mode_makes_the_hero_and_only_scene_zeros_opening(tmp_path):
    storage = MemoryStorage(objects={SCRIPT_KEY: _script().model_dump_json().encode()})
    maker = CountingMaker()

    result = await _run(tmp_path, maker, storage, MemoryCheckpoints(), continuity="chain")

    assert result.payload.continuity == "chain"  # type: ignore[attr-defined]
    assert len(result.payload.keyframe_keys) == 1  # type: ignore[attr-defined]
    assert [shot.hero for shot, _ in maker.made] == [True, False]
    assert "forest trail" in maker.made[1][0].prompt


@dataclass
class SlowMaker(CountingMaker):
    """Takes `seconds` per image like a real model, failing on the shot whose prompt holds `refuse`."""

    seconds: float = 0.2
    refuse: str | None = None
    in_flight: int = 0
    most_in_flight: int = 0
    started: int = 0
    finished: list[str] = field(default_factory=list)

    async def make_keyframe(self, shot, *, product_photos, hero, out, checkpoints, checkpoint_key, cancelled):
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        self.started += 1
        refused = self.refuse is not None and self.refuse in shot.prompt
        try:  # each image started later finishes sooner, so finishing order is not the plan's order
            await asyncio.sleep(self.seconds / 10 if refused else self.seconds * (1 - self.started / 10))
            if self.refuse and self.refuse in shot.prompt:
                raise PermanentError("the model refused the picture")
            result = await super().make_keyframe(
                shot, product_photos=product_photos, hero=hero, out=out, checkpoints=checkpoints,
                checkpoint_key=checkpoint_key, cancelled=cancelled,
            )  # fmt: skip
            self.finished.append(shot.prompt)
            return result
        finally:
            self.in_flight -= 1


async def test_the_boundaries_are_made_at_once_from_the_hero_and_keep_their_order(tmp_path):
    storage = MemoryStorage(objects={SCRIPT_KEY: _script().model_dump_json().encode()})
    maker = SlowMaker()

    result = await _run(tmp_path, maker, storage, MemoryCheckpoints())

    assert maker.most_in_flight == 4  # the hero alone, then the four boundaries together
    plan = plan_keyframes(_script(), brief="An allergy relief spot", continuity="keyframes", colours=())
    assert maker.finished[1:] != [shot.prompt for shot in plan.boundaries]  # they did finish out of order
    keys = result.payload.keyframe_keys
    assert [storage.objects[key].decode() for key in keys] == [shot.prompt for shot in plan.boundaries]


async def test_a_refused_boundary_fails_the_stage_and_stops_the_others_paying(tmp_path):
    storage = MemoryStorage(objects={SCRIPT_KEY: _script().model_dump_json().encode()})
    maker = SlowMaker(refuse="kitchen")

    with pytest.raises(PermanentError, match="refused"):
        await _run(tmp_path, maker, storage, MemoryCheckpoints())

    assert maker.in_flight == 0  # the others were cancelled, not left running
    assert len(maker.finished) == 1  # only the hero finished: the refusal came first

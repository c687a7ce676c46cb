from pathlib import Path

import pytest

from services.composer import checking
from services.composer import handler as composer_handler
from services.composer.compliance.report import Finding, build_report
from services.composer.compose import Composition
from services.composer.graph import Stems
from services.composer.loudness import Loudness
from shared.assets import ready_key
from shared.brand_kit import BrandKit
from shared.compliance import ComplianceReport
from shared.config import Settings
from shared.errors import PermanentError
from shared.events import dump_event, make_event
from shared.job import Job, StageState
from shared.payloads import (
    ClipsCompletedPayload,
    JobCompletedPayload,
    MusicCompletedPayload,
    NarrationCompletedPayload,
    NarrationSkippedPayload,
    ScriptCompletedPayload,
)
from shared.request import AdRequest
from shared.script import NarrationSegment, NarrationTrack, Scene, Script, SegmentTiming
from shared.stage import StageContext, stage_context
from shared.storage import asset_key
from tests.brand_assets import BRAND_FONT, LOGO_SVG
from tests.fakes.memory_storage import MemoryStorage


def key(kind, name):
    return asset_key("u1", "j1", kind, name)


def _stage(event_type, payload, status="succeeded"):
    event = make_event(event_type, job_id="j1", user_id="u1", payload=payload)
    return StageState(status=status, event=dump_event(event))


def _context(tmp_path: Path, *, narrated: bool, compliance: str = "report") -> tuple[StageContext, MemoryStorage]:
    script = Script(
        title="Ad", duration_s=8.0,
        scenes=[Scene(index=i, duration_s=4.0, visual_prompt=f"scene {i}") for i in range(2)],
        narration=[NarrationSegment(text="Hello there.", start_s=0.5, end_s=2.0)],
    )  # fmt: skip
    storage = MemoryStorage(
        objects={
            key("script", "script.json"): script.model_dump_json().encode(),
            key("clips", "scene-00.mp4"): b"c0", key("clips", "scene-01.mp4"): b"c1",
            key("audio", "music.wav"): b"m", key("audio", "narration.wav"): b"n",
            key("audio", "timings.json"): NarrationTrack(
                duration_s=2.0, segments=[SegmentTiming(text="Hello there.", kind="narration", start_s=0.5, end_s=1.8)]
            ).model_dump_json().encode(),
        }
    )  # fmt: skip
    narration = (
        _stage("narration.completed", NarrationCompletedPayload(
            audio_key=key("audio", "narration.wav"), timings_key=key("audio", "timings.json"), duration_s=2.0))
        if narrated
        else _stage("narration.skipped", NarrationSkippedPayload(reason="no narration asked"), status="skipped")
    )  # fmt: skip
    stages = {
        "script": _stage("script.completed", ScriptCompletedPayload(
            script_key=key("script", "script.json"), duration_s=8.0, scene_count=2, needs_narration=narrated)),
        "narration": narration,
        "clips": _stage("clips.completed", ClipsCompletedPayload(
            clip_keys=[key("clips", "scene-00.mp4"), key("clips", "scene-01.mp4")], duration_s=8.0)),
        "music": _stage("music.completed", MusicCompletedPayload(audio_key=key("audio", "music.wav"), duration_s=8.0)),
    }  # fmt: skip
    job = Job(
        job_id="j1", user_id="u1", status="composing",
        request=AdRequest(brief="An allergy relief spot", loudness_lufs=-14, compliance=compliance),
        stages=stages, created_at="2025-01-01T00:00:00Z", updated_at="2025-01-01T00:00:00Z",
    )  # fmt: skip
    ctx = stage_context(job, storage=storage, settings=Settings(), workdir=tmp_path)  # type: ignore[arg-type]
    return ctx, storage


@pytest.fixture
def composed(monkeypatch):
    calls = []

    async def fake_compose(
        script, *, clips, music, narration, target_lufs, encoding, workdir, timeout_factor, track=None, brand=None
    ):
        calls.append(
            {"clips": clips, "narration": narration, "target_lufs": target_lufs, "track": track, "brand": brand}
        )
        (workdir / "ad.mp4").write_bytes(b"video")
        (workdir / "ad.jpg").write_bytes(b"jpeg")
        stems = Stems(voice=workdir / "voice.flac", music=workdir / "music.flac")
        return Composition(video=workdir / "ad.mp4", thumbnail=workdir / "ad.jpg", loudness=Loudness(-20, -3, 5),
                           stems=stems, elapsed_s=10.0)  # fmt: skip

    async def fake_check(ad, workdir, *, timeout_s):
        calls.append({"checked": ad})
        passing = [Finding(rule_id, True, "fine") for rule_id in ("TD-TRUEPEAK", "TD-CAPTIONS", "TD-SAFE-AREA")]
        failing = Finding("TD-LOUDNESS", False, "-30.0 LUFS integrated", -30.0)
        return build_report(ad.ad_type, [failing, *passing], mode=ad.mode, checker_s=1.0)

    monkeypatch.setattr(composer_handler, "compose", fake_compose)
    monkeypatch.setattr(checking, "check", fake_check)
    return calls


async def test_the_video_captions_and_thumbnail_are_uploaded_and_announced(tmp_path, composed):
    ctx, storage = _context(tmp_path, narrated=True)

    result = await composer_handler.build_handler(Settings())(None, ctx)  # type: ignore[arg-type]

    assert result.event_type == "job.completed"
    payload = result.payload
    assert isinstance(payload, JobCompletedPayload)
    assert payload.video_key == key("final", "ad.mp4")
    assert storage.objects[payload.video_key] == b"video"
    assert payload.thumbnail_key == key("thumbnails", "ad.jpg")
    assert storage.objects[key("captions", "ad.vtt")].startswith(b"WEBVTT")
    assert payload.captions_key == key("captions", "ad.vtt")
    assert payload.duration_s == 8.0


async def test_the_clips_in_scene_order_and_the_jobs_loudness_target_reach_the_composition(tmp_path, composed):
    ctx, _ = _context(tmp_path, narrated=True)

    await composer_handler.build_handler(Settings())(None, ctx)  # type: ignore[arg-type]

    assert [clip.read_bytes() for clip in composed[0]["clips"]] == [b"c0", b"c1"]
    assert composed[0]["target_lufs"] == -14
    assert composed[0]["narration"].read_bytes() == b"n"
    assert composed[0]["track"] is not None  # the statement's pages follow the words as actually spoken


async def test_a_skipped_narration_gives_music_only_and_no_captions(tmp_path, composed):
    ctx, storage = _context(tmp_path, narrated=False)

    result = await composer_handler.build_handler(Settings())(None, ctx)  # type: ignore[arg-type]

    assert composed[0]["narration"] is None
    assert isinstance(result.payload, JobCompletedPayload)
    assert result.payload.captions_key is None
    assert key("captions", "ad.vtt") not in storage.objects


async def test_the_compliance_report_is_stored_beside_the_video_and_summarised_in_the_event(tmp_path, composed):
    ctx, storage = _context(tmp_path, narrated=True)

    result = await composer_handler.build_handler(Settings())(None, ctx)  # type: ignore[arg-type]

    payload = result.payload
    assert isinstance(payload, JobCompletedPayload)
    assert payload.compliance_key == key("final", "compliance.json")
    report = ComplianceReport.model_validate_json(storage.objects[payload.compliance_key])
    assert report.rule("TD-LOUDNESS").status == "fail"
    assert payload.compliance is not None
    assert (payload.compliance.passed, payload.compliance.failing) == (False, ["TD-LOUDNESS"])
    assert composed[-1]["checked"].video == tmp_path / "ad.mp4"


async def test_an_enforced_job_whose_report_fails_fails_with_the_rules_named(tmp_path, composed):
    ctx, storage = _context(tmp_path, narrated=True, compliance="enforce")

    with pytest.raises(PermanentError, match=r"TD-LOUDNESS \(-30.0 LUFS integrated"):
        await composer_handler.build_handler(Settings())(None, ctx)  # type: ignore[arg-type]

    assert key("final", "compliance.json") in storage.objects


async def test_the_brand_kit_reaches_the_composition_from_the_users_checked_uploads(tmp_path, composed):
    ctx, storage = _context(tmp_path, narrated=True)
    logo_id, font_id = "a" * 32, "b" * 32
    storage.objects[ready_key("u1", logo_id)] = LOGO_SVG
    storage.objects[ready_key("u1", font_id)] = BRAND_FONT.read_bytes()
    kit = BrandKit(logo=logo_id, colours=["#0B3D91"], font=font_id, logo_bug=True)
    ctx.job = ctx.job.model_copy(update={"request": ctx.job.request.model_copy(update={"brand_kit": kit})})

    await composer_handler.build_handler(Settings())(None, ctx)  # type: ignore[arg-type]

    brand = composed[0]["brand"]
    assert brand.logo.read_bytes().startswith(b"\x89PNG")  # the SVG, rasterised
    assert brand.title_font.read_bytes() == BRAND_FONT.read_bytes()
    assert brand.plate.text == "#FFFFFF"
    assert brand.logo_bug


async def test_without_a_brand_kit_the_composition_gets_no_brand(tmp_path, composed):
    ctx, _ = _context(tmp_path, narrated=True)

    await composer_handler.build_handler(Settings())(None, ctx)  # type: ignore[arg-type]

    assert composed[0]["brand"] is None

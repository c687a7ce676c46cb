"""The Replicate clip maker through the real SDK against the fake: model input, exact fitting, resume, cost."""

from __future__ import annotations

import subprocess

import pytest

from services.clips.veo import VeoClipMaker, clip_input
from shared.config import Settings
from shared.errors import PermanentError
from shared.ffmpeg import probe
from shared.providers.base import MemoryCheckpoints, never_cancelled
from shared.providers.catalogue import CATALOGUE
from shared.providers.shots import shot_durations, snap_duration
from shared.script import Scene, Script
from tests.fakes.replicate_server import FakeConfig, running_fake_replicate


def script_of(aspect_ratio="16:9", durations=(5.0, 3.0), style_notes="") -> Script:
    scenes = [
        Scene(index=i, duration_s=d, visual_prompt=f"a sunlit kitchen, shot {i}") for i, d in enumerate(durations)
    ]
    return Script(
        title="Morning", aspect_ratio=aspect_ratio, resolution="720p", duration_s=max(8.0, sum(durations)),
        scenes=scenes if sum(durations) >= 8 else [*scenes], needs_narration=False, style_notes=style_notes,
    )  # fmt: skip


@pytest.fixture
async def fake():
    async with running_fake_replicate(FakeConfig(latency_s=0.05, video_height=90)) as server:
        yield server


def maker_for(fake, model: str = "google/veo-3.1", **overrides) -> VeoClipMaker:
    settings = Settings(
        REPLICATE_API_TOKEN="test-token",
        REPLICATE_BASE_URL=fake.base_url,
        provider_poll_s=0.01,
        video_preset="ultrafast",
        video_crf=35,
        **overrides,
    )
    return VeoClipMaker(settings, CATALOGUE[model])


def test_durations_snap_up_to_what_each_model_allows():
    assert [snap_duration("google/veo-3.1", s) for s in (3.0, 4.0, 5.0, 7.5, 12.0)] == [4, 4, 6, 8, 8]
    assert [snap_duration("kwaivgi/kling-v2.1", s) for s in (3.0, 6.0, 14.0)] == [5, 10, 10]


def test_a_square_ad_is_rendered_wide_by_veo_without_audio():
    script = script_of("1:1")

    model_input = clip_input("google/veo-3.1", script.scenes[0], script, start_image="data:image/jpeg;base64,AA==")

    assert model_input["aspect_ratio"] == "16:9"
    assert model_input["generate_audio"] is False
    assert model_input["image"].startswith("data:image/jpeg")
    assert model_input["duration"] == 6


def test_kling_takes_its_start_image_and_mode_from_the_script():
    script = script_of()

    model_input = clip_input("kwaivgi/kling-v2.1", script.scenes[1], script, start_image="data:x")

    assert model_input == {"prompt": script.scenes[1].visual_prompt, "start_image": "data:x", "duration": 5,
                           "mode": "standard"}  # fmt: skip


def test_style_notes_close_the_prompt_once():
    script = script_of(style_notes="pastel, soft light")

    assert clip_input("google/veo-3.1", script.scenes[0], script, start_image=None)["prompt"].endswith(
        "Style: pastel, soft light"
    )


async def test_a_clip_is_fitted_to_the_scene_length_frame_size_and_fps(fake, tmp_path):
    script = script_of("1:1")
    out = tmp_path / "scene-0.mp4"

    rendered = await maker_for(fake).make_clip(
        script.scenes[0], script, start_frame=None, out=out, checkpoints=MemoryCheckpoints(), cancelled=never_cancelled
    )

    stream = (await probe(out))["streams"][0]
    assert (stream["width"], stream["height"]) == (720, 720)
    assert stream["r_frame_rate"] == "30/1"
    assert int(stream["nb_frames"]) == 150
    assert rendered.duration_s == pytest.approx(5.0, abs=0.05)
    assert rendered.cost_usd == pytest.approx(6 * 0.20)  # Veo 3.1's silent rate: we never ask for audio
    assert fake.stats.downloads == 1


async def test_the_previous_frame_is_sent_as_the_start_image(fake, tmp_path):
    script = script_of()
    frame = tmp_path / "last.png"
    from shared.ffmpeg import ffmpeg

    await ffmpeg(["-f", "lavfi", "-i", "color=c=red:s=320x180", "-frames:v", "1", str(frame)], timeout_s=30)

    await maker_for(fake).make_clip(
        script.scenes[1], script, start_frame=frame, out=tmp_path / "s1.mp4",
        checkpoints=MemoryCheckpoints(), cancelled=never_cancelled,
    )  # fmt: skip

    sent = next(iter(fake.predictions.values())).input
    assert sent["image"].startswith("data:image/jpeg;base64,")
    assert sent["duration"] == 4


async def test_a_redelivered_scene_resumes_its_prediction_without_paying_again(fake, tmp_path):
    script = script_of()
    checkpoints = MemoryCheckpoints()
    maker = maker_for(fake)
    await maker.make_clip(script.scenes[0], script, start_frame=None, out=tmp_path / "a.mp4",
                          checkpoints=checkpoints, cancelled=never_cancelled)  # fmt: skip

    await maker.make_clip(script.scenes[0], script, start_frame=None, out=tmp_path / "b.mp4",
                          checkpoints=checkpoints, cancelled=never_cancelled)  # fmt: skip

    assert fake.stats.creates["google/veo-3.1"] == 1
    assert checkpoints.get("prediction-scene-0")


async def test_data_uri_outputs_are_decoded(fake, tmp_path):
    fake.config.data_urls = True
    script = script_of()

    rendered = await maker_for(fake).make_clip(
        script.scenes[1], script, start_frame=None, out=tmp_path / "d.mp4",
        checkpoints=MemoryCheckpoints(), cancelled=never_cancelled,
    )  # fmt: skip

    assert rendered.duration_s == pytest.approx(3.0, abs=0.05)
    assert fake.stats.downloads == 0


async def test_a_sensitive_scene_fails_the_job_in_plain_words(fake, tmp_path):
    fake.config.sensitive_words = ["kitchen"]
    script = script_of()

    with pytest.raises(PermanentError, match="scene 1 was refused by the model's content policy"):
        await maker_for(fake).make_clip(
            script.scenes[0], script, start_frame=None, out=tmp_path / "x.mp4",
            checkpoints=MemoryCheckpoints(), cancelled=never_cancelled,
        )  # fmt: skip


async def test_kling_starts_the_first_scene_from_a_neutral_frame(fake, tmp_path):
    script = script_of("9:16")

    await maker_for(fake, "kwaivgi/kling-v2.1").make_clip(
        script.scenes[0], script, start_frame=None, out=tmp_path / "k.mp4",
        checkpoints=MemoryCheckpoints(), cancelled=never_cancelled,
    )  # fmt: skip

    assert fake.stats.creates["kwaivgi/kling-v2.1"] == 1
    assert next(iter(fake.predictions.values())).input["start_image"].startswith("data:image/jpeg")


def test_a_scene_longer_than_the_models_longest_shot_needs_several_generations():
    assert shot_durations("google/veo-3.1", 8.0) == [8]
    assert shot_durations("google/veo-3.1", 10.0) == [6, 6]
    assert shot_durations("google/veo-3.1", 14.0) == [8, 8]
    assert shot_durations("google/veo-3.1", 20.0) == [8, 8, 8]
    assert shot_durations("kwaivgi/kling-v2.1", 12.0) == [10, 10]


async def test_a_long_scene_is_two_generations_joined_on_the_last_frame_never_a_frozen_one(fake, tmp_path):
    script = script_of(durations=(10.0,))
    out = tmp_path / "long.mp4"
    checkpoints = MemoryCheckpoints()

    rendered = await maker_for(fake).make_clip(
        script.scenes[0], script, start_frame=None, out=out, checkpoints=checkpoints, cancelled=never_cancelled
    )

    first, second = (p.input for p in fake.predictions.values())
    assert "image" not in first
    assert second["image"].startswith("data:image/jpeg;base64,")  # the first generation's last frame
    assert (first["duration"], second["duration"]) == (6, 6)
    assert checkpoints.get("prediction-scene-0")
    assert checkpoints.get("prediction-scene-0-part-1")
    assert rendered.duration_s == pytest.approx(10.0, abs=0.05)
    assert rendered.cost_usd == pytest.approx(12 * 0.20)
    frozen = _frozen_spans(out)
    assert frozen == [], f"a held frame in the joined clip: {frozen}"


def _frozen_spans(clip) -> list[str]:
    """Spans of a second or more where the picture does not change (ffmpeg's freezedetect)."""
    result = subprocess.run(
        ["ffmpeg", "-v", "info", "-i", str(clip), "-vf", "freezedetect=n=0.001:d=1", "-f", "null", "-"],
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    return [line for line in result.stderr.splitlines() if "freeze_start" in line]


async def test_a_long_scene_check_sees_a_frozen_frame_when_there_is_one(tmp_path):
    from shared.ffmpeg import ffmpeg

    held = tmp_path / "held.mp4"
    await ffmpeg(
        ["-f", "lavfi", "-t", "2", "-i", "testsrc2=size=160x90:rate=24", "-vf", "tpad=stop_mode=clone:stop_duration=2",
         "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", str(held)],
        timeout_s=60,
    )  # fmt: skip

    assert _frozen_spans(held) != []


async def test_veo_goes_from_the_first_keyframe_to_the_last_and_the_fitted_clip_keeps_both(fake, tmp_path):
    """Veo gets `image` and `last_frame`; the 6 s render is retimed (not cut) to the 5 s scene, so the stored
    clip opens on the first keyframe and ends on the last."""
    from shared.ffmpeg import ffmpeg
    from tests.media_probe import gray_frame, mean_abs_diff

    script = script_of()
    first, last = tmp_path / "kf-00.png", tmp_path / "kf-01.png"
    await ffmpeg(["-f", "lavfi", "-i", "color=c=0xe8d8c0:s=320x180", "-frames:v", "1", str(first)], timeout_s=30)
    await ffmpeg(["-f", "lavfi", "-i", "color=c=0x2040d0:s=320x180", "-frames:v", "1", str(last)], timeout_s=30)
    out = tmp_path / "scene-0.mp4"

    await maker_for(fake).make_clip(
        script.scenes[0], script, start_frame=first, end_frame=last, out=out, checkpoints=MemoryCheckpoints(),
        cancelled=never_cancelled,
    )  # fmt: skip

    sent = next(iter(fake.predictions.values())).input
    assert sent["image"].startswith("data:image/jpeg;base64,")
    assert sent["last_frame"].startswith("data:image/jpeg;base64,")
    assert sent["duration"] == 6
    opens, ends = gray_frame(out, at_s=0), gray_frame(out, last=True)
    assert mean_abs_diff(opens, gray_frame(first)) < 4.0
    assert mean_abs_diff(ends, gray_frame(last)) < 4.0
    assert mean_abs_diff(gray_frame(first), gray_frame(last)) > 20.0


async def test_without_a_start_frame_veo_is_not_sent_a_last_frame_it_would_refuse(fake, tmp_path):
    script = script_of()
    last = tmp_path / "kf-01.png"
    from shared.ffmpeg import ffmpeg

    await ffmpeg(["-f", "lavfi", "-i", "color=c=0x2040d0:s=320x180", "-frames:v", "1", str(last)], timeout_s=30)

    await maker_for(fake).make_clip(
        script.scenes[0], script, start_frame=None, end_frame=last, out=tmp_path / "x.mp4",
        checkpoints=MemoryCheckpoints(), cancelled=never_cancelled,
    )  # fmt: skip

    assert "last_frame" not in next(iter(fake.predictions.values())).input


def test_the_fake_veo_refuses_a_last_frame_without_an_image_and_a_frame_that_is_not_a_uri():
    from tests.fakes.replicate_inputs import validate_input

    jpeg = "data:image/jpeg;base64,AA=="
    both = {"prompt": "p", "image": jpeg, "reference_images": [jpeg]}

    assert [p["type"] for p in validate_input("google/veo-3.1", {"prompt": "p", "last_frame": jpeg})] == ["dependency"]
    assert [p["type"] for p in validate_input("google/veo-3.1", {"prompt": "p", "image": "a picture"})] == ["format"]
    assert [p["type"] for p in validate_input("google/veo-3.1", both)] == ["dependency"]

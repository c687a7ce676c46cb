"""Real ffmpeg: local clips open on the previous clip's last frame, at the script's size and rate."""

from pathlib import Path

import pytest

from services.clips.footage import FootageClipMaker
from services.clips.frames import extract_last_frame
from services.clips.look import look_for
from services.clips.render import clip_args
from shared.config import Settings
from shared.ffmpeg import ffmpeg, probe
from shared.providers.base import MemoryCheckpoints, never_cancelled
from shared.script import NarrationSegment, Scene, Script
from tests.media_probe import gray_frame, mean_abs_diff

pytestmark = pytest.mark.slow
SIZE = (320, 180)


def _mean_abs_diff(a: Path, b: Path) -> float:
    return mean_abs_diff(gray_frame(a, size=SIZE), gray_frame(b, size=SIZE))


async def _render(scene: Scene, out: Path, start_frame: Path | None) -> Path:
    args = clip_args(look_for(scene), size=SIZE, fps=30, duration_s=scene.duration_s, start_frame=start_frame,
                     out=out, preset="superfast", crf=18)  # fmt: skip
    await ffmpeg(args, timeout_s=60)
    return out


@pytest.fixture(scope="module")
async def two_clips(tmp_path_factory):
    work = tmp_path_factory.mktemp("clips")
    first = await _render(Scene(index=0, duration_s=2.0, visual_prompt="sunrise over a kitchen", setting="sunrise"),
                          work / "c0.mp4", None)  # fmt: skip
    last0 = await extract_last_frame(first, work / "last0.png")
    second = await _render(Scene(index=1, duration_s=2.0, visual_prompt="a walk in the park", setting="park"),
                           work / "c1.mp4", last0)  # fmt: skip
    first1 = work / "first1.png"
    await ffmpeg(["-i", str(second), "-frames:v", "1", str(first1)], timeout_s=30)
    last1 = await extract_last_frame(second, work / "last1.png")
    return {"last0": last0, "first1": first1, "last1": last1}


async def test_the_next_clip_opens_on_the_previous_clips_last_frame(two_clips):
    continuity = _mean_abs_diff(two_clips["last0"], two_clips["first1"])
    unrelated = _mean_abs_diff(two_clips["last0"], two_clips["last1"])
    assert continuity < 2.0  # of 255: a re-encode's rounding, nothing a viewer sees
    assert unrelated > 10 * continuity


async def test_the_local_clip_maker_renders_at_the_scripts_frame_size_and_rate(tmp_path):
    scene = Scene(index=0, duration_s=1.0, visual_prompt="a calm bedroom at night", setting="night")
    script = Script(
        title="Ad", aspect_ratio="9:16", resolution="720p", duration_s=8.0,
        scenes=[scene, Scene(index=1, duration_s=7.0, visual_prompt="anything else")],
        narration=[NarrationSegment(text="Hi.", start_s=0, end_s=1)],
    )  # fmt: skip
    out = tmp_path / "clip.mp4"

    await FootageClipMaker(Settings()).make_clip(
        scene, script, start_frame=None, out=out, checkpoints=MemoryCheckpoints(), cancelled=never_cancelled
    )

    (stream,) = (await probe(out))["streams"]
    assert (stream["codec_name"], stream["pix_fmt"], stream["width"], stream["height"]) == (
        "h264",
        "yuv420p",
        720,
        1280,
    )
    assert stream["r_frame_rate"] == "30/1"
    assert int(stream["nb_frames"]) == 30

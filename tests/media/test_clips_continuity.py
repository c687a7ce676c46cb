"""Real ffmpeg: local clips go from their first keyframe to their last, so neighbouring scenes meet on the
shared keyframe; the move between them is a gradual transition that never freezes; chain mode still opens
each clip on the previous clip's last frame; clips come out at the script's size and rate."""

import subprocess
from itertools import pairwise
from pathlib import Path

import pytest

from services.clips.footage import FootageClipMaker, drawn_scene
from services.clips.frames import extract_last_frame
from shared.config import Settings
from shared.ffmpeg import probe
from shared.providers.base import NO_LOOK, Look, MemoryCheckpoints, never_cancelled
from shared.script import NarrationSegment, Scene, Script
from tests.media_probe import gray_frame, mean_abs_diff

pytestmark = pytest.mark.slow
SIZE = (320, 180)
FPS = 30
SCENES = [
    Scene(index=0, duration_s=2.0, visual_prompt="a muddy forest trail in the rain"),
    Scene(index=1, duration_s=2.0, visual_prompt="a Claritex box on a kitchen table", setting="kitchen"),
    Scene(index=2, duration_s=2.0, visual_prompt="friends on a beach at golden hour", setting="beach"),
]
SCRIPT = Script(title="Ad", brand="Claritex", aspect_ratio="16:9", resolution="720p", duration_s=8.0,
                scenes=[*SCENES, Scene(index=3, duration_s=2.0, visual_prompt="a studio packshot")],
                needs_narration=False)  # fmt: skip


def _diff(a: Path, b: Path) -> float:
    return mean_abs_diff(gray_frame(a, size=SIZE), gray_frame(b, size=SIZE))


def _first(clip: Path, out: Path) -> Path:
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(clip), "-frames:v", "1", str(out)], check=True)
    return out


async def _render(scene: Scene, out: Path, *, start: Path | None, end: Path | None, look: Look = NO_LOOK) -> Path:
    await FootageClipMaker(Settings()).make_clip(
        scene, SCRIPT, start_frame=start, end_frame=end, out=out, checkpoints=MemoryCheckpoints(),
        cancelled=never_cancelled, look=look,
    )  # fmt: skip
    return out


@pytest.fixture(scope="module")
async def keyframed(tmp_path_factory):
    """Three scenes rendered from four keyframes, as the keyframes stage would hand them over."""
    work = tmp_path_factory.mktemp("keyframed")
    keyframes = [drawn_scene(scene, SCRIPT, work / f"kf-{scene.index:02d}.png") for scene in SCRIPT.scenes]
    clips = [
        await _render(scene, work / f"c{scene.index}.mp4", start=keyframes[scene.index], end=keyframes[scene.index + 1])
        for scene in SCENES
    ]
    firsts = [_first(clip, work / f"first{k}.png") for k, clip in enumerate(clips)]
    lasts = [await extract_last_frame(clip, work / f"last{k}.png") for k, clip in enumerate(clips)]
    return {"keyframes": keyframes, "clips": clips, "firsts": firsts, "lasts": lasts}


async def test_each_clip_opens_on_its_first_keyframe_and_ends_on_its_last(keyframed):
    kf, firsts, lasts = keyframed["keyframes"], keyframed["firsts"], keyframed["lasts"]
    for k in range(len(SCENES)):
        assert _diff(firsts[k], kf[k]) < 2.0  # of 255: a re-encode's rounding, nothing a viewer sees
        assert _diff(lasts[k], kf[k + 1]) < 2.0
        assert _diff(kf[k], kf[k + 1]) > 10.0  # and the two keyframes are different pictures


async def test_neighbouring_scenes_meet_on_their_shared_keyframe(keyframed):
    for k in range(len(SCENES) - 1):
        seam = _diff(keyframed["lasts"][k], keyframed["firsts"][k + 1])
        unrelated = _diff(keyframed["lasts"][k], keyframed["lasts"][k + 1])
        assert seam < 2.0
        assert unrelated > 10 * seam


def _frames(clip: Path) -> list[bytes]:
    raw = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(clip), "-vf", "scale=80:45", "-f", "rawvideo", "-pix_fmt", "gray", "-"],
        check=True, capture_output=True,
    ).stdout  # fmt: skip
    size = 80 * 45
    return [raw[i : i + size] for i in range(0, len(raw), size)]


async def test_the_move_between_keyframes_is_a_gradual_transition_never_a_cut(keyframed):
    frames = _frames(keyframed["clips"][1])
    whole = mean_abs_diff(frames[0], frames[-1])
    steps = [mean_abs_diff(a, b) for a, b in pairwise(frames)]
    middle = frames[len(frames) * 2 // 3]
    assert max(steps) < 0.25 * whole  # no single frame carries the change: a cut would carry all of it
    assert mean_abs_diff(middle, frames[0]) > 0.15 * whole  # mid-transition it is neither picture
    assert mean_abs_diff(middle, frames[-1]) > 0.15 * whole


def _frozen_spans(clip: Path) -> list[str]:
    err = subprocess.run(
        ["ffmpeg", "-v", "info", "-i", str(clip), "-vf", "freezedetect=n=0.0005:d=0.5", "-f", "null", "-"],
        capture_output=True, text=True, timeout=60, check=True,
    ).stderr  # fmt: skip
    return [line for line in err.splitlines() if "freeze_start" in line]


async def test_the_footage_moves_all_the_way_through(keyframed):
    for clip in keyframed["clips"]:
        assert _frozen_spans(clip) == [], clip


async def test_rain_falls_across_a_rainy_scene_and_not_across_a_dry_one(keyframed):
    rainy, dry = _frames(keyframed["clips"][0]), _frames(keyframed["clips"][2])
    early = slice(15, 25)  # after the rain fades in, before the dissolve starts

    def motion(frames: list[bytes]) -> float:
        return sum(mean_abs_diff(a, b) for a, b in pairwise(frames[early])) / 9

    assert motion(rainy) > 2 * motion(dry)


async def test_in_chain_mode_the_next_clip_opens_on_the_previous_clips_last_frame(tmp_path):
    first = await _render(SCENES[0], tmp_path / "c0.mp4", start=None, end=None)
    last0 = await extract_last_frame(first, tmp_path / "last0.png")
    second = await _render(SCENES[1], tmp_path / "c1.mp4", start=last0, end=None)
    first1 = _first(second, tmp_path / "first1.png")
    last1 = await extract_last_frame(second, tmp_path / "last1.png")

    continuity = _diff(last0, first1)
    assert continuity < 2.0
    assert _diff(last0, last1) > 10 * continuity


async def test_in_chain_mode_the_scene_it_draws_wears_the_brands_colours(tmp_path):
    """No keyframe closes a chained scene, so the maker draws it: in the brand kit's colours, as keyframes are."""
    kitchen = SCENES[1]  # its cabinets and pack are painted in the brand's colours
    brand = Look(colours=("#C8102E", "#FFD100"))
    branded = await extract_last_frame(
        await _render(kitchen, tmp_path / "b.mp4", start=None, end=None, look=brand), tmp_path / "b.png"
    )
    plain = await extract_last_frame(
        await _render(kitchen, tmp_path / "p.mp4", start=None, end=None), tmp_path / "p.png"
    )
    drawn_in_brand = drawn_scene(kitchen, SCRIPT, tmp_path / "drawn.png", brand)

    lands_on_brand = _diff(branded, drawn_in_brand)
    print(f"branded vs drawn in brand {lands_on_brand:.2f}, branded vs plain {_diff(branded, plain):.2f}")
    assert lands_on_brand < 2.0
    assert _diff(branded, plain) > 5 * lands_on_brand
    assert _diff(plain, drawn_in_brand) > 5 * lands_on_brand, "without the look the drawn scene is not the brand's"


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

from pathlib import Path

from services.clips.frames import last_frame_args
from services.clips.look import look_for
from services.clips.render import clip_args
from shared.script import Scene


def _scene(index: int = 0, prompt: str = "A calm sunrise over a kitchen window", setting: str = "sunrise") -> Scene:
    return Scene(index=index, duration_s=2.0, visual_prompt=prompt, setting=setting)


def _args(start_frame: Path | None = None) -> list[str]:
    return clip_args(
        look_for(_scene()), size=(320, 180), fps=30, duration_s=2.0, start_frame=start_frame,
        out=Path("out.mp4"), preset="superfast", crf=18,
    )  # fmt: skip


def test_the_same_scene_always_gets_the_same_look():
    assert look_for(_scene()) == look_for(_scene())


def test_scenes_that_differ_get_different_palettes():
    assert look_for(_scene(0)).colors != look_for(_scene(1)).colors
    assert (
        look_for(_scene(prompt="A pharmacist smiles at a counter", setting="clinic")).colors
        != look_for(_scene()).colors
    )


def test_a_clip_is_h264_yuv420p_with_exactly_the_scene_frame_count():
    args = _args()
    assert args[args.index("-vcodec") + 1] == "libx264"
    assert args[args.index("-pix_fmt") + 1] == "yuv420p"
    assert args[args.index("-frames:v") + 1] == "60"
    assert args[-1] == "out.mp4"


def test_without_a_start_frame_the_clip_reads_no_image():
    assert not any(arg.endswith(".png") for arg in _args())


def test_a_start_frame_is_looped_and_faded_out_over_the_new_scene():
    args = _args(Path("last.png"))
    image_at = args.index("last.png")
    graph = args[args.index("-filter_complex") + 1]
    assert args[image_at - 1] == "-i"
    assert "-loop" in args[:image_at]
    assert "fade=alpha=1" in graph
    assert "type=out" in graph
    assert "crop=320:180" in graph


def test_the_last_frame_is_taken_by_seeking_from_the_end_into_a_lossless_image():
    args = last_frame_args(Path("clip.mp4"), Path("last.png"))
    assert args[:2] == ["-sseof", "-0.5"]
    assert args[args.index("-update") + 1] == "1"
    assert args[-1].endswith(".png")


def test_two_identical_shapes_are_drawn_once_and_split():
    from dataclasses import replace

    look = look_for(_scene())
    twin = replace(look, blobs=(look.blobs[0], look.blobs[0]))
    args = clip_args(
        twin, size=(320, 180), fps=30, duration_s=2.0, start_frame=None, out=Path("o.mp4"), preset="superfast", crf=18
    )
    assert "split=2" in args[args.index("-filter_complex") + 1]

from pathlib import Path

import pytest

from services.clips.frames import last_frame_args
from services.clips.render import Timeline, clip_args


def _args(rain: Path | None = None) -> list[str]:
    return clip_args(
        first=Path("kf-00.png"), last=Path("kf-01.png"), size=(320, 180), fps=30, duration_s=2.0,
        out=Path("out.mp4"), preset="superfast", crf=18, rain_sheet=rain,
    )  # fmt: skip


def _graph(args: list[str]) -> str:
    return args[args.index("-filter_complex") + 1]


def test_a_clip_is_h264_yuv420p_with_exactly_the_scene_frame_count():
    args = _args()
    assert args[args.index("-vcodec") + 1] == "libx264"
    assert args[args.index("-pix_fmt") + 1] == "yuv420p"
    assert args[args.index("-frames:v") + 1] == "60"
    assert args[-1] == "out.mp4"


def test_both_keyframes_are_read_once_and_repeated_by_the_graph_not_re_decoded_per_frame():
    args = _args()
    assert [args[i + 1] for i, arg in enumerate(args) if arg == "-i"] == ["kf-00.png", "kf-01.png"]
    assert "-loop" not in args
    assert _graph(args).count("loop=loop=") == 2


def test_the_first_keyframe_dissolves_into_the_last_under_opposing_camera_moves():
    graph = _graph(_args())
    assert "xfade=" in graph
    assert "transition=fade" in graph
    assert "crop=320:180" in graph
    assert "(1+0.08*t/" in graph  # the camera pushes into the first keyframe
    assert r"(1+0.08*max(0\,1-t/" in graph  # and pulls out of the last, landing on it at rest


@pytest.mark.parametrize("duration_s", [1.0, 2.0, 4.0, 6.0, 8.0, 20.0])
def test_the_dissolve_is_a_transition_not_a_cut_and_lands_before_the_clip_ends(duration_s):
    t = Timeline.of(duration_s)
    assert t.length_s >= min(0.8, duration_s * 0.8)
    assert t.start_s > 0
    assert t.start_s + t.length_s < duration_s


def test_without_rain_nothing_is_overlaid_and_with_rain_a_sheet_falls_faded_in_and_out():
    assert "overlay" not in _graph(_args())
    rainy = _args(Path("rain.png"))
    graph = _graph(rainy)
    assert "rain.png" in rainy
    assert "overlay=" in graph
    assert "mod(t*H*" in graph  # it scrolls down with time
    assert "fade=alpha=1" in graph
    assert "type=in" in graph
    assert "type=out" in graph


def test_the_last_frame_is_taken_by_seeking_from_the_end_into_a_lossless_image():
    args = last_frame_args(Path("clip.mp4"), Path("last.png"))
    assert args[:2] == ["-sseof", "-0.5"]
    assert args[args.index("-update") + 1] == "1"
    assert args[-1].endswith(".png")

from pathlib import Path

from services.composer.graph import Encoding, Sources, compose_args, measure_args
from services.composer.loudness import Loudness
from services.composer.overlays import overlay_plan
from shared.script import NarrationSegment, Scene, Script

ENCODING = Encoding(size=(320, 180), fps=30, preset="veryfast", crf=20)
MEASURED = Loudness(integrated_lufs=-19.0, true_peak_db=-6.0, lra_lu=5.0)


def _script(ad_type: str = "pharmaceutical") -> Script:
    scenes = [
        Scene(index=i, duration_s=4.0, visual_prompt=f"scene {i} prompt", on_screen_text=f"Title {i}") for i in range(2)
    ]
    pharma = ad_type == "pharmaceutical"
    closing = [
        NarrationSegment(text="May cause drowsiness.", start_s=2.5, end_s=4.0, kind="safety"),
        NarrationSegment(text="Call 1-800-555-0199.", start_s=5.5, end_s=7.5, kind="provision"),
    ]
    return Script(
        title="Ad", ad_type=ad_type, duration_s=8.0, scenes=scenes,
        narration=[NarrationSegment(text="Hello.", start_s=0, end_s=2), *(closing if pharma else [])],
        safety_text="May cause drowsiness." if pharma else "", end_card=["1-800-555-0199"] if pharma else [],
    )  # fmt: skip


def _args(script: Script, *, narration: bool = True, target: float = -24.0) -> list[str]:
    plan = overlay_plan(script, ENCODING.size)
    sources = Sources(
        clips=(Path("c0.mp4"), Path("c1.mp4")), music=Path("music.wav"),
        narration=Path("voice.wav") if narration else None,
        textfiles=tuple(Path(f"t{i}.txt") for i in range(len(plan.texts))),
    )  # fmt: skip
    return compose_args(script, sources, plan, ENCODING, measured=MEASURED, target_lufs=target, out=Path("ad.mp4"))


def _graph(args: list[str]) -> str:
    return args[args.index("-filter_complex") + 1]


def test_every_clip_music_and_narration_are_inputs():
    args = _args(_script())
    inputs = [args[i + 1] for i, arg in enumerate(args) if arg == "-i"]
    assert sorted(inputs) == ["c0.mp4", "c1.mp4", "music.wav", "voice.wav"]


def test_one_video_and_one_audio_stream_are_mapped_to_h264_and_aac():
    args = _args(_script())
    assert args.count("-map") == 2
    assert args[args.index("-vcodec") + 1] == "libx264"
    assert args[args.index("-acodec") + 1] == "aac"
    assert args[args.index("-pix_fmt") + 1] == "yuv420p"
    assert args[args.index("-preset") + 1] == "veryfast"
    assert args[args.index("-crf") + 1] == "20"


def test_the_output_starts_fast_and_lasts_exactly_the_scripts_duration():
    args = _args(_script())
    assert args[args.index("-movflags") + 1] == "+faststart"
    assert args[args.index("-t") + 1] == "8.000"


def test_clips_are_joined_dropping_the_duplicated_first_frame_of_the_next_clip():
    graph = _graph(_args(_script()))
    assert "trim=end_frame=120:start_frame=0" in graph
    assert "trim=end_frame=120:start_frame=1" in graph
    assert "concat=a=0:n=2:v=1" in graph
    assert "tpad=stop_duration=8.000:stop_mode=clone" in graph
    assert "trim=end_frame=240" in graph


def test_text_is_drawn_from_files_with_expansion_off():
    graph = _graph(_args(_script("general")))
    assert graph.count("drawtext=") == 2  # two titles
    assert "textfile=t0.txt" in graph
    assert "expansion=none" in graph


def test_a_pharmaceutical_ad_draws_its_statement_and_end_card_on_plates_instead_of_titles():
    graph = _graph(_args(_script("pharmaceutical")))
    assert graph.count("drawtext=") == 2  # the statement's one line and the end card's: the titles give way
    assert graph.count("drawbox=") == 2
    assert "color=black@0.85" in graph
    assert "drawbox=" not in _graph(_args(_script("general")))


def test_the_music_all_but_stops_while_the_statement_plays():
    graph = _graph(_args(_script("pharmaceutical")))
    assert "volume=eval=frame:volume=pow(10\\,-40.0*clip(" in graph
    assert "eval=frame" not in _graph(_args(_script("general")))


def test_music_is_ducked_under_the_narration_and_normalised_linearly_with_the_measure():
    graph = _graph(_args(_script()))
    assert "sidechaincompress" in graph
    assert "amix" in graph
    assert "loudnorm=I=-24.0" in graph
    assert "TP=-3.0" in graph  # TD-TRUEPEAK: <= -2 dBTP after AAC
    assert "measured_I=-19.00" in graph
    assert "linear=true" in graph
    assert "aformat=channel_layouts=stereo" in graph.split("loudnorm")[1]


def test_a_web_loudness_target_gets_a_true_peak_ceiling_under_the_reports_minus_2_dbtp():
    graph = _graph(_args(_script(), target=-14.0))
    assert "loudnorm=I=-14.0" in graph
    assert "TP=-3.0" in graph  # AAC overshoots by up to ~1 dB: -3 keeps the delivered ad at or under -2 dBTP


def test_without_narration_the_music_alone_is_normalised():
    args = _args(_script(), narration=False)
    assert "voice.wav" not in args
    assert "sidechaincompress" not in _graph(args)


def test_the_measuring_pass_prints_r128_metadata_and_writes_no_file():
    args = measure_args(Path("music.wav"), Path("voice.wav"), 8.0)
    graph = _graph(args)
    assert "ebur128=metadata=1:peak=true" in graph
    assert "ametadata=file=-:mode=print" in graph
    assert args[-3:] == ["-f", "null", "-"]

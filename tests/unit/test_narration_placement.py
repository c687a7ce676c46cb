"""Fitting speech into windows and the ffmpeg arguments that lay it on one track."""

from __future__ import annotations

from pathlib import Path

from services.narration.placement import GAP_S, Placed, mix_args, start_for


def test_a_segment_starts_at_its_window_when_the_voice_is_free() -> None:
    assert start_for(window_start_s=5.3, previous_end_s=4.0, duration_s=2.0, total_s=30) == 5.3


def test_a_segment_waits_for_the_previous_one_to_finish() -> None:
    assert start_for(window_start_s=5.3, previous_end_s=5.6, duration_s=2.0, total_s=30) == round(5.6 + GAP_S, 3)


def test_a_segment_that_would_run_past_the_end_is_pulled_earlier() -> None:
    assert start_for(window_start_s=27.0, previous_end_s=20.0, duration_s=5.0, total_s=30) == 25.0


def test_the_mix_delays_each_segment_to_its_start_and_cuts_to_the_ad_length() -> None:
    placed = [Placed(Path("a.wav"), 0.3, 2.0), Placed(Path("b.wav"), 12.25, 4.0)]

    args = mix_args(placed, total_s=30.0, out=Path("out.mp3"))

    graph = args[args.index("-filter_complex") + 1]
    assert args[:4] == ["-i", "a.wav", "-i", "b.wav"]
    assert "[0:a]aresample=44100,aformat=sample_fmts=fltp:channel_layouts=mono,adelay=300:all=1[s0]" in graph
    assert "adelay=12250:all=1[s1]" in graph
    assert graph.endswith(
        "[s0][s1]amix=inputs=2:normalize=0:dropout_transition=0,apad=whole_dur=30.000,atrim=end=30.000[voice]"
    )
    assert args[-11:] == [
        "-map",
        "[voice]",
        "-ar",
        "44100",
        "-ac",
        "1",
        "-c:a",
        "libmp3lame",
        "-b:a",
        "128k",
        "out.mp3",
    ]

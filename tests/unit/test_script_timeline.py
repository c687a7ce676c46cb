"""Timeline arithmetic for the local planner (the statement's own is tested in test_statement_timeline)."""

from __future__ import annotations

from shared.scripting.timeline import scene_durations, speech_window


def test_durations_follow_the_weights_and_sum_exactly() -> None:
    assert scene_durations(30, [1, 1, 1]) == [10.0, 10.0, 10.0]
    assert sum(scene_durations(29, [0.85, 0.85, 1, 1.15, 1.15])) == 29


def test_a_speech_window_leaves_a_breath_after_the_cut_and_before_the_next() -> None:
    window = speech_window(10.0, 16.0)

    assert (window.start_s, window.end_s) == (10.3, 15.8)

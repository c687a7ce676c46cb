"""Timeline arithmetic and disclosure shortening for the local planner."""

from __future__ import annotations

from services.script.timeline import SAFETY_TAIL, scene_durations, shorten_disclosure, speech_window

TEXT = "May cause drowsiness, dry mouth and headache. Do not drive until you know how it affects you. Rarely, rash."


def test_durations_follow_the_weights_and_sum_exactly() -> None:
    assert scene_durations(30, [1, 1, 1]) == [10.0, 10.0, 10.0]
    assert sum(scene_durations(29, [0.85, 0.85, 1, 1.15, 1.15])) == 29


def test_a_speech_window_leaves_a_breath_after_the_cut_and_before_the_next() -> None:
    window = speech_window(10.0, 16.0)

    assert (window.start_s, window.end_s) == (10.3, 15.8)


def test_a_disclosure_that_fits_is_read_whole() -> None:
    assert shorten_disclosure(TEXT, 40) == TEXT


def test_a_disclosure_is_cut_at_a_sentence_and_points_to_the_full_text() -> None:
    assert shorten_disclosure(TEXT, 12) == f"May cause drowsiness, dry mouth and headache. {SAFETY_TAIL}"


def test_a_first_sentence_too_long_is_cut_at_a_clause() -> None:
    assert shorten_disclosure(TEXT, 8) == f"May cause drowsiness. {SAFETY_TAIL}"


def test_a_tiny_budget_still_reads_the_first_words() -> None:
    assert shorten_disclosure(TEXT, 3) == "May cause drowsiness."

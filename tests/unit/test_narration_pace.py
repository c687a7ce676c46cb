"""The narration's pace decisions: a calm 140–160 wpm read, and a statement never read faster than the rest."""

from __future__ import annotations

import pytest

from services.narration.pace import rest_speed, statement_speed, words_per_minute


def test_words_per_minute_count_words_as_read_aloud() -> None:
    assert words_per_minute(["one two three four five"], [2.0]) == pytest.approx(150.0)
    assert words_per_minute(["call 1-800-555-0199"], [6.0]) == pytest.approx(12 * 10)


@pytest.mark.parametrize("measured", [143.0, 150.0, 157.0])
def test_a_calm_read_is_left_alone(measured: float) -> None:
    assert rest_speed(1.0, measured) is None


@pytest.mark.parametrize(("measured", "expected"), [(200.0, 0.75), (120.0, 1.25), (218.0, 0.688)])
def test_a_read_outside_the_window_is_corrected_towards_150_wpm(measured: float, expected: float) -> None:
    assert rest_speed(1.0, measured) == pytest.approx(expected, abs=0.001)


def test_a_statement_faster_than_the_rest_is_slowed_below_it() -> None:
    corrected = statement_speed(1.0, 156.0, rest_speed=1.0, rest_wpm=150.0)

    assert corrected is not None
    assert 156.0 * corrected / 1.0 <= 150.0
    assert corrected <= 1.0


def test_a_statement_is_never_given_a_faster_setting_than_the_rest() -> None:
    assert statement_speed(0.8, 120.0, rest_speed=0.8, rest_wpm=150.0) is None  # slow, but cannot go above 0.8
    assert statement_speed(0.7, 120.0, rest_speed=0.8, rest_wpm=150.0) == pytest.approx(0.8)


def test_a_calm_statement_no_faster_than_the_rest_is_left_alone() -> None:
    assert statement_speed(1.0, 146.0, rest_speed=1.0, rest_wpm=150.0) is None

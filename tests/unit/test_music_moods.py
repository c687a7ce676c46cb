"""Mood profiles, the synthesised track's shape, and the MP3 encode arguments."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.music.encode import mp3_args
from services.music.moods import PROFILES, profile_for
from services.music.wavetable import render_pcm


@pytest.mark.parametrize(
    ("mood", "profile"),
    [("calm morning", "calm"), ("Upbeat sporty", "energetic"), ("epic", "dramatic"), ("dreamy synthwave", "uplifting")],
)
def test_a_mood_text_picks_its_profile_by_keyword(mood: str, profile: str) -> None:
    assert profile_for(mood).name == profile


def test_the_uplifting_progression_is_i_v_vi_iv_in_c_major() -> None:
    uplifting = PROFILES["uplifting"]

    chords = [uplifting.chord(d) for d in uplifting.progression]

    assert chords == [(60, 64, 67), (67, 71, 74), (69, 72, 76), (65, 69, 72)]


def test_a_minor_mood_builds_minor_triads() -> None:
    dramatic = PROFILES["dramatic"]

    root, third, fifth = dramatic.chord(0)

    assert (third - root, fifth - root) == (3, 7)


def test_the_track_is_stereo_pcm_of_exactly_the_asked_length_and_the_same_every_time() -> None:
    pcm = render_pcm(PROFILES["energetic"], 2.5, sample_rate=8000)

    assert len(pcm) == 2.5 * 8000 * 2 * 2
    assert pcm == render_pcm(PROFILES["energetic"], 2.5, sample_rate=8000)


def test_the_track_starts_and_ends_in_silence_from_its_fades() -> None:
    pcm = render_pcm(PROFILES["uplifting"], 4.0, sample_rate=8000)

    assert pcm[:4] == bytes(4)
    assert pcm[-4:] == bytes(4)


def test_the_mp3_is_encoded_stereo_at_44_1_khz_and_cut_to_length() -> None:
    assert mp3_args(Path("in.wav"), Path("out.mp3"), duration_s=30) == [
        "-i", "in.wav", "-t", "30.000", "-ar", "44100", "-ac", "2", "-c:a", "libmp3lame", "-b:a", "192k", "out.mp3",
    ]  # fmt: skip

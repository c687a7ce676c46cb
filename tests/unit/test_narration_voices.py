"""espeak-ng invocation for the keyless narrator."""

from __future__ import annotations

from pathlib import Path

from services.narration.espeak import espeak_argv, espeak_voice


def test_the_default_request_voice_reads_in_american_english() -> None:
    assert espeak_voice("alloy") == "en-us"


def test_a_british_request_voice_maps_to_a_british_espeak_voice() -> None:
    assert espeak_voice("Fable") == "en-gb"


def test_an_unknown_voice_name_falls_back_to_the_default() -> None:
    assert espeak_voice("robot-9000") == "en-us"


def test_speed_scales_the_words_per_minute_and_text_goes_in_on_stdin() -> None:
    argv = espeak_argv(speed=1.45, voice="nova", out=Path("seg.wav"))

    assert argv == ["espeak-ng", "-v", "en-us+f3", "-s", "218", "-w", "seg.wav", "--stdin"]

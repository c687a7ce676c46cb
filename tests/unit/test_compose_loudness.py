import pytest

from services.composer.loudness import Loudness, loudnorm_options, parse_measurement

PRINTED = """frame:0 pts:0 pts_time:0
lavfi.r128.I=-70.000
lavfi.r128.LRA=0.000
lavfi.r128.true_peak=0.200
frame:1 pts:4800 pts_time:0.1
lavfi.r128.I=-18.500
lavfi.r128.LRA=6.200
lavfi.r128.true_peak=0.500
frame:2 pts:9600 pts_time:0.2
lavfi.r128.I=-18.250
lavfi.r128.LRA=6.300
lavfi.r128.true_peak=0.400
"""


def test_the_measure_takes_the_last_integrated_value_and_the_highest_true_peak():
    measured = parse_measurement(PRINTED)
    assert measured.integrated_lufs == -18.25
    assert measured.lra_lu == 6.3
    assert measured.true_peak_db == pytest.approx(-6.02, abs=0.01)


def test_silent_audio_cannot_be_normalised():
    with pytest.raises(ValueError, match="silent"):
        parse_measurement("lavfi.r128.I=-70.000\n")


def test_loudnorm_options_carry_the_measure_for_a_linear_gain():
    options = loudnorm_options(Loudness(-18.25, -6.0, 6.3), target_lufs=-24.0)
    assert options["linear"] == "true"
    assert options["measured_I"] == "-18.25"
    assert options["measured_thresh"] == "-28.25"
    assert options["TP"] == "-3.0"  # under TD-TRUEPEAK's -2 dBTP with room for AAC's overshoot

"""The checker's arithmetic on measured inputs: each check passes a good measure and fails a bad one."""

import itertools

import pytest

from services.composer.compliance import captions, onscreen, provision, sampling, speech
from services.composer.compliance.report import Finding, build_report, enforcement_message
from services.composer.compliance.rules import RULES, rules_for
from shared.script import NarrationTrack, SegmentTiming

COMPLIANCE_IDS = [
    "MS-VERBATIM", "MS-LANGUAGE", "MS-PACE", "MS-VOLUME", "MS-ARTICULATION", "MS-DUAL", "MS-TEXT-SIZE",
    "MS-CONTRAST", "MS-PLACEMENT", "MS-DURATION", "MS-NO-DISTRACT", "AP-PHONE", "AP-WEB", "AP-PRINT", "AP-HCP",
    "FB-TIME", "FB-PROMINENCE", "FB-CLAIMS", "TD-LOUDNESS", "TD-TRUEPEAK", "TD-CAPTIONS", "TD-SAFE-AREA",
]  # fmt: skip


def _timing(text, kind, start, end, speed=1.0, voice="alloy"):
    return SegmentTiming(text=text, kind=kind, start_s=start, end_s=end, speed=speed, voice=voice)


def _track(statement_s: float, statement_speed: float = 1.0) -> NarrationTrack:
    """Ten words of benefit in 4 s (150 wpm) and ten words of statement in `statement_s`."""
    return NarrationTrack(duration_s=30, segments=[
        _timing("one two three four five six seven eight nine ten", "narration", 1.0, 5.0),
        _timing("may cause a b c d e f g h", "safety", 6.0, 6.0 + statement_s, statement_speed),
    ])  # fmt: skip


def test_the_rules_table_has_one_row_per_compliance_id_and_general_ads_get_the_delivery_rules():
    assert [rule.id for rule in RULES] == COMPLIANCE_IDS
    assert [rule.id for rule in rules_for("general")] == ["TD-LOUDNESS", "TD-TRUEPEAK", "TD-CAPTIONS", "TD-SAFE-AREA"]
    assert all(rule.citation and rule.threshold for rule in RULES)


def test_a_statement_read_at_the_rests_pace_passes_and_a_faster_one_fails_with_its_ratio():
    calm, fast = speech.pace(_track(4.2)), speech.pace(_track(2.8))

    assert calm.ok
    assert not fast.ok
    assert fast.value == pytest.approx(4.0 / 2.8, abs=0.01)


def test_a_statement_spoken_at_a_higher_speed_setting_or_another_voice_fails_articulation():
    assert speech.articulation(_track(4.2), "alloy").ok
    assert not speech.articulation(_track(2.8, statement_speed=1.45), "alloy").ok
    onyx = _timing("may cause", "safety", 6, 8, voice="onyx")
    other_voice = NarrationTrack(duration_s=30, segments=[*_track(4.2).segments[:1], onyx])
    assert not speech.articulation(other_voice, "alloy").ok


def test_a_page_shown_half_a_second_after_its_audio_fails_dual_modality():
    spoken = [_timing("Claritex may cause drowsiness.", "safety", 10.0, 12.5)]

    assert onscreen.dual([(10.05, 12.9)], spoken).ok
    late = onscreen.dual([(10.5, 12.9)], spoken)
    assert not late.ok
    assert late.value == pytest.approx(0.25, abs=0.01)
    assert not onscreen.dual([(14.0, 16.0)], spoken).ok  # shown while nothing of the statement is spoken


def test_captions_that_miss_a_segment_fail():
    track = _track(4.2)
    vtt = "WEBVTT\n\n00:00:01.000 --> 00:00:05.000\none two three four five six seven eight nine ten\n"

    missing = captions.captions(vtt, track)
    assert not missing.ok
    assert missing.measured.startswith("1 of 2")
    full = vtt + "\n00:00:06.000 --> 00:00:10.200\nmay cause a b c d e f g h\n"
    assert captions.captions(full, track).ok


def test_provision_needs_each_element_spoken_and_shown():
    spoken = "Call 1-800-555-0199 or visit claritex.example.com. Ask your doctor or pharmacist."
    found = {f.rule_id: f for f in provision.provision(spoken, "Call 1 800 555 0199 | claritex.example.com",
                                                       phone="1-800-555-0199", website="https://claritex.example.com/pi",
                                                       print_reference=None)}  # fmt: skip

    assert found["AP-PHONE"].ok
    assert found["AP-WEB"].ok
    assert not found["AP-HCP"].ok  # spoken, but not on screen
    assert found["AP-HCP"].measured.endswith("spoken, not on screen")
    assert not found["AP-PRINT"].ok


def test_superlatives_are_found():
    assert not provision.claims("The best allergy relief.", "").ok
    assert provision.claims("Clear days ahead.", "Ask your doctor").ok


def test_samples_inside_the_statement_are_never_more_than_the_gap_apart():
    spoken = [_timing("a", "safety", 10.0, 18.0), _timing("b", "safety", 18.2, 21.0)]
    times = sampling.statement_samples(spoken)

    assert times[0] < 12.5
    assert times[-1] > 18.5
    assert all(b - a <= sampling.MAX_GAP_S + 1e-6 for a, b in itertools.pairwise(times))


def test_an_unmeasured_rule_fails_and_a_warning_rule_never_fails_the_report():
    measured = [Finding("TD-LOUDNESS", True, "-24.0 LUFS", -24.0), Finding("TD-TRUEPEAK", True, "-3 dBTP", -3.0),
                Finding("TD-CAPTIONS", True, "all", 1.0)]  # fmt: skip
    report = build_report("general", measured, mode="report", checker_s=0.5)
    assert report.failing == ["TD-SAFE-AREA"]
    assert report.rule("TD-SAFE-AREA").measured.startswith("not measured")
    pharma = build_report("pharmaceutical", [Finding(r.id, r.severity == "fail", "m") for r in RULES],
                          mode="enforce", checker_s=0.5)  # fmt: skip
    assert pharma.passed
    assert set(pharma.warnings) == {"MS-LANGUAGE", "AP-PRINT", "FB-TIME", "FB-CLAIMS"}


def test_the_enforcement_message_names_each_failed_rule_with_its_measure_and_threshold():
    report = build_report("general", [Finding("TD-LOUDNESS", False, "-30.0 LUFS integrated", -30.0)],
                          mode="enforce", checker_s=0.1)  # fmt: skip
    message = enforcement_message(report)
    assert "TD-LOUDNESS (-30.0 LUFS integrated; needs within +/-2 LU" in message
    assert "TD-SAFE-AREA" in message


def test_ocr_keeps_words_and_drops_picture_edges_read_as_glyphs_or_barely_read():
    from services.composer.compliance.ocr import parse_tsv

    header = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"
    rows = [
        "5\t1\t1\t1\t1\t1\t10\t20\t30\t12\t96.5\tClaritex",
        "5\t1\t1\t1\t1\t2\t50\t20\t4\t100\t93.6\t|",
        "5\t1\t1\t1\t1\t3\t60\t20\t8\t12\t91.0\t—",
        "5\t1\t1\t1\t1\t4\t70\t20\t40\t12\t95.0\t1-800",
        "5\t1\t1\t1\t1\t5\t90\t20\t70\t119\t32.7\tener",
    ]

    words = parse_tsv("\n".join([header, *rows]), 1.0)

    assert [w.text for w in words] == ["Claritex", "1-800"]

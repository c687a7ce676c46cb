"""The compliance checker on real rendered ads: a good one passes every rule, each fault fails its rule.

Ads come from tests/compliance_ads.py (ffmpeg + espeak-ng, 720p); a few rules are also measured
independently here (tesseract on one frame, ebur128) to show the report is not reading itself.
"""

import asyncio
from dataclasses import replace

import pytest

from services.composer.compliance.checker import check
from services.composer.compliance.ocr import tokens
from shared.ffmpeg import ffmpeg, run_tool
from tests.compliance_ads import GOOD, SENTENCES, Faults, as_general, render
from tests.media_probe import integrated_loudness_lufs

pytestmark = pytest.mark.slow


async def _checked(work, faults=GOOD, **changes):
    ad = replace(await asyncio.to_thread(render, work, faults), **changes)
    return ad, await check(ad, work / "check", timeout_s=120)


@pytest.fixture(scope="module")
async def good(tmp_path_factory):
    return await _checked(tmp_path_factory.mktemp("good"))


async def test_a_good_pharmaceutical_ad_passes_every_rule(good):
    _, report = good

    assert report.passed, [(r.id, r.measured) for r in report.rules if r.status == "fail"]
    measured = {"MS-VERBATIM", "MS-PACE", "MS-DUAL", "MS-TEXT-SIZE", "MS-CONTRAST", "MS-NO-DISTRACT", "AP-PHONE",
                "AP-WEB", "AP-HCP", "TD-LOUDNESS"}  # fmt: skip
    assert {r.id for r in report.rules} >= measured
    assert report.warnings == ["AP-PRINT"]  # no print reference in this request
    assert "medical-legal-regulatory" in report.not_checked


async def test_the_report_loudness_matches_an_independent_ebur128_measure(good):
    ad, report = good

    assert report.rule("TD-LOUDNESS").value == pytest.approx(integrated_loudness_lufs(ad.video), abs=0.2)
    assert report.rule("TD-TRUEPEAK").value is not None
    assert report.rule("TD-TRUEPEAK").value <= -2.0


async def test_tesseract_reads_the_statement_on_a_frame_mid_statement(good, tmp_path):
    ad, report = good
    sentence = next(s for s in ad.timings.segments if s.kind == "safety")
    frame = tmp_path / "mid.png"
    middle = (sentence.start_s + sentence.end_s) / 2
    await ffmpeg(["-ss", f"{middle:.2f}", "-i", str(ad.video), "-frames:v", "1", "-vf", "negate", str(frame)],
                 timeout_s=60)  # fmt: skip
    read = (await run_tool(["tesseract", str(frame), "stdout"], timeout_s=60)).decode()

    expected = tokens(SENTENCES[0])
    assert sum(t in tokens(read) for t in expected) / len(expected) >= 0.9
    assert report.rule("MS-VERBATIM").value >= 0.9


async def test_a_statement_read_faster_than_the_rest_fails_the_pace_rule(tmp_path):
    _, report = await _checked(tmp_path, Faults(statement_wpm=300))

    pace = report.rule("MS-PACE")
    assert pace.status == "fail"
    assert pace.value > 1.0
    assert "MS-PACE" in report.failing


async def test_statement_text_below_4_6_percent_of_the_frame_fails_the_size_rule(tmp_path):
    _, report = await _checked(tmp_path, Faults(text_height=0.036))

    size = report.rule("MS-TEXT-SIZE")
    assert size.status == "fail"
    assert 0.025 < size.value < 0.046


async def test_music_not_ducked_under_the_statement_fails_the_distraction_rule(tmp_path):
    _, report = await _checked(tmp_path, Faults(music_under_voice_db=6.0))

    distraction = report.rule("MS-NO-DISTRACT")
    assert distraction.status == "fail"
    assert distraction.value < 20.0
    assert "dB under the voice" in distraction.measured


async def test_a_statement_cut_on_screen_fails_the_verbatim_rule(tmp_path):
    _, report = await _checked(tmp_path, Faults(cut_statement=True))

    verbatim = report.rule("MS-VERBATIM")
    assert verbatim.status == "fail"
    assert verbatim.value < 0.9


async def test_a_general_ad_gets_only_the_rules_that_apply_and_they_fail_when_broken(good, tmp_path):
    ad, _ = good

    fine = await check(as_general(ad), tmp_path / "general", timeout_s=120)
    broken = await check(replace(as_general(ad), target_lufs=-14.0, captions_vtt=None), tmp_path / "b", timeout_s=120)

    assert [r.id for r in fine.rules] == ["TD-LOUDNESS", "TD-TRUEPEAK", "TD-CAPTIONS", "TD-SAFE-AREA"]
    assert fine.passed
    assert broken.failing == ["TD-LOUDNESS", "TD-CAPTIONS"]
    assert broken.rule("TD-LOUDNESS").value == pytest.approx(-24.0, abs=1.0)

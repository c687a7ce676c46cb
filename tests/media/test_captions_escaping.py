"""Narration written into WebVTT cannot break or inject cues: ffmpeg's own WebVTT reader is the judge."""

from pathlib import Path

import pytest

from services.composer.captions import escape_cue_text, to_webvtt
from shared.ffmpeg import run_tool
from shared.script import NarrationTrack, SegmentTiming

pytestmark = pytest.mark.slow

HOSTILE = "Take one --> 00:00:09.000 --> 00:00:10.000 <b>free</b> & <c.x>more"


def _track(text: str) -> NarrationTrack:
    return NarrationTrack(
        duration_s=4.0,
        segments=[
            SegmentTiming(text=text, kind="narration", start_s=0.0, end_s=2.0),
            SegmentTiming(text="Ask your doctor.", kind="safety", start_s=2.0, end_s=4.0),
        ],
    )


async def _cues_as_read_by_ffmpeg(vtt: str, tmp_path: Path) -> list[tuple[str, str]]:
    """(timing line, text) per cue, after ffmpeg parses the WebVTT and writes it back out as SubRip."""
    source, srt = tmp_path / "captions.vtt", tmp_path / "captions.srt"
    source.write_text(vtt)
    await run_tool(["ffmpeg", "-v", "error", "-y", "-i", str(source), str(srt)], timeout_s=30)
    blocks = [block.split("\n") for block in srt.read_text().strip().split("\n\n")]
    return [(lines[1], "\n".join(lines[2:])) for lines in blocks]


async def test_a_cue_with_an_arrow_stays_one_cue_and_reads_back_verbatim(tmp_path: Path) -> None:
    cues = await _cues_as_read_by_ffmpeg(to_webvtt(_track(HOSTILE)), tmp_path)
    assert len(cues) == 2  # one cue for the narration (two lines), one for the safety line: nothing injected
    assert cues[0][0] == "00:00:00,000 --> 00:00:02,000"
    assert cues[0][1].replace("\n", " ") == HOSTILE
    assert cues[1] == ("00:00:02,000 --> 00:00:04,000", "Ask your doctor.")


async def test_the_same_narration_written_verbatim_breaks_the_cue(tmp_path: Path) -> None:
    """The check above has teeth: unescaped, the tag is swallowed and the line is not read back as written."""
    verbatim = f"WEBVTT\n\n00:00:00.000 --> 00:00:02.000\n{HOSTILE}\n"
    cues = await _cues_as_read_by_ffmpeg(verbatim, tmp_path)
    assert " ".join(text.replace("\n", " ") for _, text in cues) != HOSTILE


def test_escaping_covers_the_three_special_characters() -> None:
    assert escape_cue_text("a --> b <i> & c") == "a --&gt; b &lt;i&gt; &amp; c"
    assert escape_cue_text("&lt;") == "&amp;lt;"

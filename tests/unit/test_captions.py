import itertools

from services.composer.captions import LINE_CHARS, cue_texts, to_webvtt
from shared.script import NarrationTrack, SegmentTiming

LONG = (
    "Claritex may cause drowsiness, dry mouth and headache. Do not take Claritex if you are allergic to any of "
    "its ingredients. Ask your doctor if Claritex is right for you."
)


def _track() -> NarrationTrack:
    return NarrationTrack(
        duration_s=12.0,
        segments=[
            SegmentTiming(text="Mornings made easy.", kind="narration", start_s=0.5, end_s=2.0),
            SegmentTiming(text=LONG, kind="safety", start_s=4.0, end_s=12.0),
        ],
    )


def test_the_file_starts_with_the_webvtt_header():
    assert to_webvtt(_track()).startswith("WEBVTT\n\n")


def test_a_short_segment_is_one_cue_at_its_actual_time():
    assert "00:00:00.500 --> 00:00:02.000\nMornings made easy." in to_webvtt(_track())


def test_a_long_segment_is_split_into_cues_of_at_most_two_short_lines():
    cues = cue_texts(LONG)
    assert len(cues) > 1
    for cue in cues:
        lines = cue.split("\n")
        assert len(lines) <= 2
        assert all(len(line) <= LINE_CHARS for line in lines)
    assert " ".join(" ".join(cue.split("\n")) for cue in cues) == LONG


def test_split_cues_cover_the_segment_window_back_to_back():
    blocks = to_webvtt(_track()).strip().split("\n\n")[2:]
    times = [block.split("\n")[0].split(" --> ") for block in blocks]
    assert times[0][0] == "00:00:04.000"
    assert times[-1][1] == "00:00:12.000"
    assert all(prev[1] == nxt[0] for prev, nxt in itertools.pairwise(times))

"""Statement pages read from several samples: a page is judged on its most complete reading."""

from __future__ import annotations

from services.composer.compliance import onscreen
from services.composer.compliance.ocr import Word, tokens
from services.composer.compliance.screen import SampleText, pages_of, split_sample
from shared.script import SegmentTiming

STATEMENT = "Claritex may cause drowsiness and dry mouth."
SPOKEN = [SegmentTiming(text=STATEMENT, kind="safety", start_s=10.8, end_s=13.6)]


def _sample(at_s: float, text: str, confidence: float = 95.0) -> SampleText:
    words = [Word(w, confidence, 100 + 90 * k, 600, 80, 40, (1, 1, 1)) for k, w in enumerate(text.split())]
    return split_sample(at_s, words, set(tokens(STATEMENT)))


def test_a_word_one_sample_lost_to_the_footage_is_read_from_another_sample_of_the_same_page() -> None:
    samples = [_sample(11.0, "may cause drowsiness and dry mouth."), _sample(12.2, STATEMENT)]

    pages = pages_of(samples)

    assert len(pages) == 1
    assert pages[0].tokens == tokens(STATEMENT)
    assert onscreen.verbatim(STATEMENT, SPOKEN, pages).ok


def test_a_word_missing_from_every_reading_still_fails_the_verbatim_check() -> None:
    samples = [_sample(11.0, "may cause drowsiness and dry mouth."), _sample(12.2, "may cause drowsiness and dry")]

    pages = pages_of(samples)

    assert len(pages) == 1
    assert not onscreen.verbatim(STATEMENT, SPOKEN, pages).ok

"""The major statement's arithmetic: pages that keep every word, their reading times, the shortest ad."""

from __future__ import annotations

import itertools
import math

import pytest

from shared.provision import provision, provision_s, shortest_ad_s, too_short_message
from shared.statement import (
    MIN_BENEFIT_S,
    MIN_WPM,
    normalise,
    page_slot_s,
    page_window,
    pages,
    speaking_s,
    spoken_words,
    statement_s,
    text_layout,
    text_width_px,
    wrap,
)

DEMO = (
    "Claritex may cause drowsiness, headache, dry mouth and sore throat. Do not take Claritex if you are allergic "
    "to any of its ingredients. Ask your doctor if Claritex is right for you."
)
LONG = (
    "Common side effects include drowsiness, dry mouth, headache, nausea, dizziness, blurred vision and trouble "
    "sleeping, and in rare cases a fast or uneven heartbeat, confusion, fainting or seizures, which need care at once. "
    "Avoid alcohol. Tell your doctor if you have liver or kidney problems."
)
FRAMES = [(1920, 1080), (1080, 1920), (1080, 1080), (1280, 720), (720, 1280)]
END_CARD = provision(url="https://www.claritex.example/pi", phone="1-800-555-0199", print_reference=None)


@pytest.mark.parametrize("frame", FRAMES)
@pytest.mark.parametrize("statement", [DEMO, LONG, "Claritex may cause drowsiness and dry mouth."])
def test_pages_keep_every_word_in_order_and_fit_the_frame(statement: str, frame: tuple[int, int]) -> None:
    layout = text_layout(frame)
    paged = pages(statement, layout)

    assert " ".join(p.text for p in paged) == normalise(statement)
    assert all(" ".join(p.lines) == p.text for p in paged)
    assert all(len(p.lines) <= layout.max_lines for p in paged)
    assert all(text_width_px(line, layout.font_size) <= layout.line_width for p in paged for line in p.lines)
    assert "…" not in "".join(p.text for p in paged)


def test_a_page_is_a_sentence_and_a_short_sentence_joins_its_neighbour() -> None:
    texts = [p.text for p in pages(LONG, text_layout((1920, 1080)))]

    assert texts[-1].endswith("Tell your doctor if you have liver or kidney problems.")
    alcohol = next(t for t in texts if "Avoid alcohol." in t)
    assert alcohol != "Avoid alcohol."  # too short to read on its own page in time
    assert texts[0].startswith("Common side effects include")
    assert texts[0].endswith(",")  # a sentence longer than a page is split at a clause


def test_text_is_at_least_4_6_percent_of_the_frame_height_in_every_frame() -> None:
    for width, height in FRAMES:
        layout = text_layout((width, height))
        assert layout.font_size >= 0.046 * height
        assert layout.line_pitch >= 0.046 * height
        x0, y0, x1, y1 = layout.safe_box
        assert (x0, y0, x1, y1) == (round(width * 0.05), round(height * 0.05), width - x0, height - y0)


def test_a_long_word_is_never_cut() -> None:
    word = "pseudoephedrine-hydrochloride-extended-release"
    assert wrap(f"{word} tablets", text_layout((720, 1280))) == [word, "tablets"]


def test_lines_are_measured_with_the_fonts_own_widths() -> None:
    assert text_width_px("iiii", 100) < text_width_px("MMMM", 100) / 2
    layout = text_layout((1920, 1080))
    lines = wrap(LONG, layout)
    assert all(text_width_px(line, layout.font_size) <= layout.line_width for line in lines)
    assert all(
        text_width_px(f"{a} {b.split()[0]}", layout.font_size) > layout.line_width for a, b in itertools.pairwise(lines)
    )


def test_numbers_and_web_addresses_are_counted_as_read_aloud() -> None:
    assert spoken_words("call 1-800-555-0199") == 12
    assert spoken_words("visit claritex.com/pi") == 6  # "visit claritex dot com slash pi"
    assert speaking_s("one two three four five six seven") == pytest.approx(7 * 60 / MIN_WPM)


def test_each_page_gets_its_reading_time_or_its_lines_time_whichever_is_longer() -> None:
    layout = text_layout((1920, 1080))
    first, *_ = pages(DEMO, layout)

    assert page_slot_s(first) == pytest.approx(max(speaking_s(first.text) + 0.2, 3.0 + len(first.lines) - 1) + 0.15)
    assert statement_s(DEMO, layout) == pytest.approx(0.3 + sum(page_slot_s(p) for p in pages(DEMO, layout)))


def test_the_shortest_ad_holds_benefit_content_the_statement_and_the_end_card() -> None:
    layout = text_layout((1920, 1080))
    needed = shortest_ad_s(DEMO, END_CARD, layout)

    assert needed == math.ceil(MIN_BENEFIT_S + statement_s(DEMO, layout) + provision_s(END_CARD, layout))
    assert shortest_ad_s(LONG, END_CARD, layout) > needed
    assert shortest_ad_s(DEMO, END_CARD, text_layout((1080, 1920))) >= needed  # narrow lines: more pages


def test_the_too_short_message_names_the_words_and_the_seconds() -> None:
    assert too_short_message(DEMO, 34, 60).startswith("this 32-word statement needs at least 34 s")
    assert "must be shorter" in too_short_message(LONG * 3, 95, 60)


def test_a_page_shows_with_its_first_word_and_not_long_after_its_last() -> None:
    # Spoken for 4 s, 2 lines (4 s to read): shown with the words, held a little after them.
    assert page_window(audio_start_s=10.0, audio_end_s=14.0, lines=2, next_audio_start_s=14.5) == (10.0, 14.2)
    # Spoken for 2.5 s, 1 line (3 s to read): stays its reading time, within a second of its words.
    assert page_window(audio_start_s=10.0, audio_end_s=12.5, lines=1, next_audio_start_s=None) == (10.0, 13.0)
    # Spoken for 1 s, 3 lines (5 s to read): never more than a second after its words.
    assert page_window(audio_start_s=10.0, audio_end_s=11.0, lines=3, next_audio_start_s=None) == (10.0, 11.95)
    # Never into the next page.
    assert page_window(audio_start_s=10.0, audio_end_s=12.5, lines=1, next_audio_start_s=12.7) == (10.0, 12.65)

"""What the composer draws: statement pages on the narration's actual timings, plates in the safe area, titles."""

from __future__ import annotations

import pytest

from services.composer.overlays import CHAR_WIDTH_EM, overlay_plan
from shared.request import AdRequest
from shared.script import Scene, Script, SegmentTiming
from shared.scripting.planner import plan
from shared.statement import normalise, text_layout, text_width_px

STATEMENT = (
    "Claritex may cause drowsiness, headache, dry mouth and sore throat. Do not take Claritex if you are allergic "
    "to any of its ingredients. Ask your doctor if Claritex is right for you."
)


def _request(aspect_ratio: str = "16:9") -> AdRequest:
    return AdRequest(
        brief="A calm spot for Claritex allergy tablets", ad_type="pharmaceutical", brand="Claritex", duration_s=45,
        side_effects=STATEMENT, prescribing_info_url="https://claritex.example/pi", phone="1-800-555-0199",
        print_reference="Health Monthly", aspect_ratio=aspect_ratio,  # type: ignore[arg-type]
    )  # fmt: skip


def _spoken(script: Script, shift_s: float = 0.0) -> list[SegmentTiming]:
    """Timings as a voice might have spoken them: the statement `shift_s` later than planned, a little shorter."""
    return [
        SegmentTiming(text=s.text, kind=s.kind, start_s=s.start_s + (shift_s if s.kind != "narration" else 0),
                      end_s=s.end_s - 0.3 + (shift_s if s.kind != "narration" else 0))
        for s in script.narration
    ]  # fmt: skip


def test_titles_fit_the_width_of_a_portrait_frame():
    scenes = [Scene(index=i, duration_s=10.0, visual_prompt=f"scene {i}", on_screen_text="Breathe easier every single "
                    "morning of the year") for i in range(3)]  # fmt: skip
    width = 180
    for text in overlay_plan(
        Script(title="Ad", duration_s=30, scenes=scenes, needs_narration=False), (width, 320)
    ).texts:
        widest = max(len(line) for line in text.text.split("\n"))
        assert widest * CHAR_WIDTH_EM * text.font_size <= width


def test_each_page_shows_with_its_words_as_actually_spoken_not_as_planned():
    script = plan(_request())
    spoken = _spoken(script, shift_s=0.6)
    drawn = overlay_plan(script, (1920, 1080), spoken)

    pages = [s for s in spoken if s.kind == "safety"]
    plates = drawn.bands[: len(pages)]
    for page, plate in zip(pages, plates, strict=True):
        assert plate.start_s == pytest.approx(page.start_s)
        assert page.end_s - 0.3 <= plate.end_s <= page.end_s + 1.0
    assert drawn.statement_span == (plates[0].start_s, plates[-1].end_s)


@pytest.mark.parametrize(("aspect_ratio", "frame"), [("16:9", (1920, 1080)), ("9:16", (1080, 1920)),
                                                     ("1:1", (1080, 1080))])  # fmt: skip
def test_the_whole_statement_is_drawn_large_on_plates_inside_the_safe_area(
    aspect_ratio: str, frame: tuple[int, int]
) -> None:
    script = plan(_request(aspect_ratio))
    spoken = _spoken(script)
    drawn = overlay_plan(script, frame, spoken)
    x0, y0, x1, y1 = text_layout(frame).safe_box
    card_at = next(s.start_s for s in spoken if s.kind == "provision")

    statement_lines = [t for t in drawn.texts if t.plain and t.start_s < card_at]
    assert normalise(" ".join(t.text for t in drawn.texts if t.plain)).startswith(normalise(STATEMENT))
    assert "…" not in " ".join(t.text for t in drawn.texts)
    assert all(t.font_size >= 0.046 * frame[1] for t in statement_lines)
    assert all(int(t.x) + text_width_px(t.text, t.font_size) <= x1 for t in drawn.texts if t.plain)
    for plate in drawn.bands:
        assert plate.width is not None
        assert x0 <= plate.x
        assert plate.x + plate.width <= x1
        assert y0 <= plate.y
        assert plate.y + plate.height <= y1
        assert plate.opacity >= 0.8


def test_no_title_shows_while_the_statement_or_the_end_card_does():
    script = plan(_request())
    script = script.model_copy(update={"scenes": [s.model_copy(update={"on_screen_text": "Breathe easy"})
                                                  for s in script.scenes]})  # fmt: skip
    drawn = overlay_plan(script, (1920, 1080), _spoken(script))

    quiet = [(b.start_s, b.end_s) for b in drawn.bands]
    titles = [t for t in drawn.texts if not t.plain]
    assert titles  # the ad's own scenes keep theirs
    assert not any(t.start_s < b and a < t.end_s for t in titles for a, b in quiet)
    assert all(t.font_size <= text_layout((1920, 1080)).font_size for t in titles)  # never larger than the risk text

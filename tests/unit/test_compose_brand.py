"""The brand in the composition plan and its ffmpeg graph: plate and title colours, the title font, the logo on the
end card and as a corner bug inside the title-safe area, never over the major statement."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from services.composer.brand import BrandStyle, brand_style
from services.composer.graph import Encoding, Sources, compose_args
from services.composer.loudness import Loudness
from services.composer.overlays import overlay_plan
from shared.brand_kit import BrandKit
from shared.request import AdRequest
from shared.script import Scene, Script
from shared.scripting.planner import plan
from shared.statement import text_layout

MONO = Path("/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf")
SIZE = (1280, 720)
REQUEST = AdRequest(
    brief="A calm spot for Claritex allergy tablets", ad_type="pharmaceutical", brand="Claritex", duration_s=30,
    side_effects="Claritex may cause drowsiness and dry mouth. Do not take it with alcohol.",
    prescribing_info_url="https://claritex.example/pi", phone="1-800-555-0199",
)  # fmt: skip


def _brand(**kit: object) -> BrandStyle:
    return brand_style(BrandKit(**kit), logo=Path("logo.png") if kit.get("logo") else None,  # type: ignore[arg-type]
                       font=MONO if kit.get("font") else None)  # fmt: skip


FULL = _brand(logo="0" * 32, colours=["#0B3D91", "#F4B400"], font="1" * 32, logo_bug=True)


def _inside_safe_area(x: int, y: int, w: int, h: int) -> bool:
    x0, y0, x1, y1 = text_layout(SIZE).safe_box
    return x0 <= x and y0 <= y and x + w <= x1 and y + h <= y1


def test_the_statement_and_end_card_plates_take_the_first_brand_colour_with_readable_text() -> None:
    drawn = overlay_plan(plan(REQUEST), SIZE, brand=FULL)

    assert {band.colour for band in drawn.bands} == {FULL.plate.plate}  # type: ignore[union-attr]
    assert {t.colour for t in drawn.texts if t.plain} == {"#FFFFFF"}


def test_titles_take_the_second_colour_and_the_brand_font_but_the_statement_keeps_the_default_face() -> None:
    drawn = overlay_plan(plan(REQUEST), SIZE, brand=FULL)
    titles = [t for t in drawn.texts if not t.plain]

    assert titles
    assert all(t.font == MONO and t.colour == "#000000" and t.box_colour.startswith("#F4B400") for t in titles)
    assert all(t.font is None for t in drawn.texts if t.plain)


def test_without_a_brand_nothing_changes() -> None:
    drawn = overlay_plan(plan(REQUEST), SIZE)

    assert {band.colour for band in drawn.bands} == {"black"}
    assert {t.colour for t in drawn.texts} == {"white"}
    assert drawn.logos == ()


def test_the_end_card_logo_sits_above_its_plate_from_the_card_to_the_end() -> None:
    drawn = overlay_plan(plan(REQUEST), SIZE, brand=FULL)
    card_plate = drawn.bands[-1]
    logo = drawn.logos[0]

    assert (logo.start_s, logo.end_s) == (card_plate.start_s, plan(REQUEST).duration_s)
    assert logo.y + logo.height <= card_plate.y
    assert _inside_safe_area(logo.x, logo.y, logo.width, logo.height)


def test_the_corner_bug_is_inside_the_safe_area_and_gone_before_the_statement() -> None:
    drawn = overlay_plan(plan(REQUEST), SIZE, brand=FULL)
    bug = drawn.logos[1]

    assert drawn.statement_span is not None
    assert bug.end_s <= drawn.statement_span[0] - 0.5
    assert bug.opacity < 1.0
    assert _inside_safe_area(bug.x, bug.y, bug.width, bug.height)


def test_no_bug_unless_asked_and_a_general_ad_closes_on_the_logo() -> None:
    scenes = [Scene(index=i, duration_s=5.0, visual_prompt=f"scene {i}", on_screen_text=f"Title {i}") for i in range(2)]
    general = Script(title="Ad", duration_s=10.0, scenes=scenes, needs_narration=False)

    drawn = overlay_plan(general, SIZE, brand=_brand(logo="0" * 32))

    assert len(drawn.logos) == 1
    assert (drawn.logos[0].start_s, drawn.logos[0].end_s) == (7.5, 10.0)


def test_a_title_the_brand_font_cannot_draw_falls_back_to_the_default_face() -> None:
    scenes = [Scene(index=i, duration_s=5.0, visual_prompt="scene", on_screen_text=text)
              for i, text in enumerate(["花粉症に", "Breathe"])]  # fmt: skip
    script = Script(title="Ad", duration_s=10.0, scenes=scenes, needs_narration=False)

    foreign, latin = overlay_plan(script, SIZE, brand=FULL).texts

    assert (foreign.font, latin.font) == (None, MONO)


def test_the_graph_composites_the_logo_and_draws_in_the_brand_colours() -> None:
    script = plan(REQUEST)
    drawn = overlay_plan(script, SIZE, brand=FULL)
    sources = Sources(
        clips=tuple(Path(f"c{i}.mp4") for i in range(len(script.scenes))), music=Path("m.wav"),
        narration=Path("v.wav"), textfiles=tuple(Path(f"t{i}.txt") for i in range(len(drawn.texts))),
        logo=Path("logo.png"),
    )  # fmt: skip
    encoding = Encoding(size=SIZE, fps=30, preset="veryfast", crf=20)
    args = compose_args(script, sources, drawn, encoding, measured=Loudness(-19.0, -6.0, 5.0), target_lufs=-24,
                        out=Path("ad.mp4"))  # fmt: skip
    graph = args[args.index("-filter_complex") + 1]

    assert "logo.png" in args
    assert graph.count("overlay=") == 2
    assert f"color=0x{FULL.plate.plate[1:]}@0.85" in graph  # type: ignore[union-attr]
    assert f"fontfile={MONO}" in graph
    assert "boxcolor=0xF4B400@0.85" in graph


def test_a_brand_face_with_taller_lines_sets_pharmaceutical_titles_smaller_so_the_statement_stays_as_prominent() -> (
    None
):
    script = plan(REQUEST)
    assert FULL.title_metrics is not None
    tall = replace(FULL, title_metrics=replace(FULL.title_metrics, line_em=2.0))

    usual = [t.font_size for t in overlay_plan(script, SIZE, brand=FULL).texts if not t.plain]
    smaller = [t.font_size for t in overlay_plan(script, SIZE, brand=tall).texts if not t.plain]

    assert usual
    assert all(s <= u * 1.164 / 2.0 + 1 for s, u in zip(smaller, usual, strict=True))

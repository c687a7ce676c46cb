"""A pharmaceutical ad composed with a brand kit by the real stage code, measured on its frames: the logo found on
the end card (and as the corner bug) by normalised cross-correlation, the brand colours on the plates and title
boxes by pixel sampling, the brand font in the titles by glyph shapes against reference renders, and the
compliance checker still passing the statement plate. Each measure is shown failing on an ad made without the
part it looks for."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from services.composer.brand import BrandStyle, brand_style
from services.composer.captions import to_webvtt
from services.composer.checking import ad_under_test
from services.composer.compliance.checker import check
from services.composer.compose import Composition, compose, encoding_for
from services.composer.logo import logo_png
from shared.brand_kit import BrandKit
from shared.compliance import ComplianceReport
from shared.request import AdRequest
from tests.brand_assets import BRAND_FONT, LOGO_SVG
from tests.brand_probe import (
    changed_region,
    colour_distance,
    coloured_box,
    find_logo,
    ink_mask,
    reference_ink,
    shape_similarity,
)
from tests.statement_ad import SETTINGS, RenderedAd, render_pharma_ad
from tests.statement_probe import frame_rgb

pytestmark = pytest.mark.slow
PLATE, TITLE = "#0B3D91", "#F4B400"  # navy plates under white text, yellow title boxes under black text
DEFAULT_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
STATEMENT = "Claritex may cause drowsiness and dry mouth. Do not take it with alcohol."
REQUEST = AdRequest(
    brief="A calm spot for Claritex allergy tablets", ad_type="pharmaceutical", brand="Claritex", duration_s=25,
    side_effects=STATEMENT, prescribing_info_url="https://claritex.example/pi", phone="1-800-555-0199",
    resolution="720p", loudness_lufs=-24,
)  # fmt: skip
LOGO_HEIGHTS = range(40, 260, 10)
TITLE_ROWS = (0.18, 0.5)  # titles sit around 30 % of the height; the corner bug above 15 %


class Ads:
    """The branded ad, and the same parts composed with colours only (no logo, no font) and with no brand."""

    def __init__(self, branded: RenderedAd, colours_only: Composition, plain: Composition, svg: Path) -> None:
        self.branded, self.colours_only, self.plain, self.svg = branded, colours_only, plain, svg

    def frame(self, composition: Composition, at_s: float):  # type: ignore[no-untyped-def]
        return frame_rgb(composition.video, at_s, self.branded.size)

    @property
    def statement_at_s(self) -> float:
        page = next(s for s in self.branded.track.segments if s.kind == "safety")
        return (page.start_s + page.end_s) / 2

    @property
    def title_at_s(self) -> float:
        return self.branded.script.scenes[0].duration_s / 2

    @property
    def end_card_at_s(self) -> float:
        return self.branded.script.duration_s - 1.0


async def _compose(ad: RenderedAd, work: Path, brand: BrandStyle | None) -> Composition:
    work.mkdir(parents=True)
    encoding = encoding_for(ad.script, fps=SETTINGS.fps, preset=SETTINGS.video_preset, crf=SETTINGS.video_crf)
    return await compose(
        ad.script, clips=list(ad.clips), music=ad.music, narration=ad.narration, target_lufs=-24, encoding=encoding,
        workdir=work, timeout_factor=SETTINGS.ffmpeg_timeout_factor, track=ad.track, brand=brand,
    )  # fmt: skip


@pytest.fixture(scope="module")
async def ads(tmp_path_factory: pytest.TempPathFactory) -> Ads:
    work = tmp_path_factory.mktemp("brand-ad")
    svg = work / "logo.svg"
    svg.write_bytes(LOGO_SVG)
    logo = await logo_png(svg, work / "logo.png")
    kit = BrandKit(logo="0" * 32, colours=[PLATE, TITLE], font="1" * 32, logo_bug=True)
    full = brand_style(kit, logo=logo, font=BRAND_FONT)
    branded = await render_pharma_ad(REQUEST, work / "branded", brand=full)
    colours_only = replace(full, logo=None, logo_bug=False, title_font=None, title_metrics=None)
    return Ads(
        branded,
        await _compose(branded, work / "colours-only", colours_only),
        await _compose(branded, work / "plain", None),
        svg,
    )


@pytest.fixture(scope="module")
async def report(ads: Ads, tmp_path_factory: pytest.TempPathFactory) -> ComplianceReport:
    ad = ads.branded
    checked = ad_under_test(ad.request, ad.script, ad.composition, size=ad.size, fps=SETTINGS.fps, track=ad.track,
                            captions_vtt=to_webvtt(ad.track))  # fmt: skip
    return await check(checked, tmp_path_factory.mktemp("brand-check"), timeout_s=180)


def test_the_logo_is_found_on_the_end_card_above_the_plate(ads: Ads) -> None:
    score, (_, top), height = find_logo(ads.frame(ads.branded.composition, ads.end_card_at_s), ads.svg, LOGO_HEIGHTS)
    print(f"\nend card logo: ncc {score:.3f} at {height} px tall, top {top}")
    assert score >= 0.85
    assert top + height <= ads.branded.size[1] * 0.6


def test_the_logo_measure_fails_an_end_card_without_the_logo(ads: Ads) -> None:
    score, _, _ = find_logo(ads.frame(ads.colours_only, ads.end_card_at_s), ads.svg, LOGO_HEIGHTS)
    print(f"\nend card without a logo: best ncc {score:.3f}")
    assert score < 0.85


def test_the_corner_bug_shows_top_right_before_the_statement_and_not_during_it(ads: Ads) -> None:
    width, height = ads.branded.size
    corner = (slice(0, height // 3), slice(width // 2, width))
    before = ads.frame(ads.branded.composition, ads.title_at_s)[corner]
    during = ads.frame(ads.branded.composition, ads.statement_at_s)[corner]

    score_before, _, _ = find_logo(before, ads.svg, range(30, 120, 6))
    score_during, _, _ = find_logo(during, ads.svg, range(30, 120, 6))

    print(f"\ncorner bug: ncc {score_before:.3f} before the statement, {score_during:.3f} during it")
    assert score_before >= 0.8
    assert score_during < 0.8


def test_the_statement_plate_is_in_the_brand_colour(ads: Ads) -> None:
    branded, plain = ads.frame(ads.branded.composition, ads.statement_at_s), ads.frame(ads.plain, ads.statement_at_s)
    rows, columns = changed_region(branded, plain)
    assert rows[0] >= 0.5, "the plate sits in the lower half"
    plate = coloured_box(branded, PLATE, rows, columns=columns)
    assert plate is not None
    print(f"\nplate {plate.box}: median {tuple(round(c) for c in plate.colour)}, fill {plate.fill:.2f}")
    assert plate.fill >= 0.9
    assert colour_distance(plate.colour, PLATE) <= 40


def test_the_end_card_plate_is_in_the_brand_colour(ads: Ads) -> None:
    plate = coloured_box(ads.frame(ads.branded.composition, ads.end_card_at_s), PLATE, (0.5, 1.0))
    assert plate is not None
    assert plate.fill >= 0.9
    assert colour_distance(plate.colour, PLATE) <= 40


def test_the_title_box_is_in_the_second_brand_colour(ads: Ads) -> None:
    box = coloured_box(ads.frame(ads.branded.composition, ads.title_at_s), TITLE, TITLE_ROWS)
    assert box is not None
    assert box.fill >= 0.9
    assert colour_distance(box.colour, TITLE) <= 40


def test_the_colour_measure_fails_plates_and_titles_without_the_brand(ads: Ads) -> None:
    branded, plain = ads.frame(ads.branded.composition, ads.statement_at_s), ads.frame(ads.plain, ads.statement_at_s)
    rows, columns = changed_region(branded, plain)
    plate = coloured_box(plain, PLATE, rows, columns=columns)
    title = coloured_box(ads.frame(ads.plain, ads.title_at_s), TITLE, TITLE_ROWS)
    assert plate is None or plate.fill < 0.9
    assert title is None or title.fill < 0.9


def _title_shapes(ads: Ads, composition: Composition, work: Path) -> tuple[float, float]:
    """How alike the drawn title's glyphs are to the brand font's and to the default font's rendering."""
    frame = ads.frame(composition, ads.title_at_s)
    box = coloured_box(frame, TITLE, TITLE_ROWS)
    assert box is not None
    drawn = ink_mask(frame, box.box, dark_text=True)
    text = ads.branded.script.scenes[0].on_screen_text
    return (shape_similarity(drawn, reference_ink(text, BRAND_FONT, work)),
            shape_similarity(drawn, reference_ink(text, DEFAULT_FONT, work)))  # fmt: skip


def test_the_titles_are_set_in_the_brand_font(ads: Ads, tmp_path: Path) -> None:
    brand, default = _title_shapes(ads, ads.branded.composition, tmp_path)
    print(f"\ntitle glyphs: {brand:.2f} like the brand font, {default:.2f} like the default")
    assert brand >= 0.6
    assert brand >= default + 0.2


def test_the_font_measure_fails_titles_in_the_default_font(ads: Ads, tmp_path: Path) -> None:
    brand, default = _title_shapes(ads, ads.colours_only, tmp_path)
    print(f"\ndefault-font title glyphs: {brand:.2f} like the brand font, {default:.2f} like the default")
    assert default > brand


def test_the_statement_on_a_brand_plate_still_passes_the_compliance_checker(report: ComplianceReport) -> None:
    contrast = report.rule("MS-CONTRAST")
    print(f"\nMS-CONTRAST {contrast.status}: {contrast.measured}; failing {report.failing}")
    assert contrast.status == "pass"
    assert report.rule("MS-VERBATIM").status == "pass"
    assert report.rule("MS-TEXT-SIZE").status == "pass"
    assert report.passed, report.failing

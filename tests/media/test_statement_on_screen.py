"""A pharmaceutical ad made by the real stage code, measured independently: the statement read calmly, shown
while spoken (OCR), large and contrasted on an opaque plate (pixels), the music far under it (stems), the end
card. Each measurement is also shown failing on a faulty input."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest

from shared.request import AdRequest
from tests.statement_ad import RenderedAd, render_pharma_ad
from tests.statement_probe import Plate, find_plate, frame_rgb, music_margin_db, ocr_words, word_share

pytestmark = pytest.mark.slow
STATEMENT = "Claritex may cause drowsiness and dry mouth. Do not take it with alcohol."
REQUEST = AdRequest(
    brief="A calm spot for Claritex allergy tablets", ad_type="pharmaceutical", brand="Claritex", duration_s=25,
    side_effects=STATEMENT, prescribing_info_url="https://claritex.example/pi", phone="1-800-555-0199",
    resolution="720p", loudness_lufs=-24,
)  # fmt: skip
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


@pytest.fixture(scope="module")
async def ad(tmp_path_factory: pytest.TempPathFactory) -> RenderedAd:
    return await render_pharma_ad(REQUEST, tmp_path_factory.mktemp("pharma-ad"))


def _pages(ad: RenderedAd) -> list[tuple[str, float]]:
    return [(s.text, (s.start_s + s.end_s) / 2) for s in ad.track.segments if s.kind == "safety"]


def _wpm(ad: RenderedAd, kinds: set[str]) -> float:
    chosen = [s for s in ad.track.segments if s.kind in kinds]
    return sum(len(s.text.split()) for s in chosen) * 60 / sum(s.end_s - s.start_s for s in chosen)


def test_the_statement_is_read_calmly_and_no_faster_than_the_rest(ad: RenderedAd) -> None:
    statement, rest = _wpm(ad, {"safety"}), _wpm(ad, {"narration"})
    print(f"\nstatement {statement:.0f} wpm, rest {rest:.0f} wpm")
    assert 140 <= statement <= 160
    assert statement <= rest


def test_ocr_of_a_frame_mid_statement_finds_the_words_being_spoken(ad: RenderedAd, tmp_path: Path) -> None:
    for text, at_s in _pages(ad):
        seen = ocr_words(frame_rgb(ad.composition.video, at_s, ad.size), tmp_path)
        assert word_share(text, seen) >= 0.9, (text, seen)


def test_ocr_before_the_statement_does_not_find_it(ad: RenderedAd, tmp_path: Path) -> None:
    before = ad.track.segments[0]
    seen = ocr_words(frame_rgb(ad.composition.video, (before.start_s + before.end_s) / 2, ad.size), tmp_path)
    assert word_share(STATEMENT, seen) < 0.3


def test_the_statement_is_large_and_contrasted_on_a_plate_inside_the_safe_area(ad: RenderedAd) -> None:
    width, height = ad.size
    for _, at_s in _pages(ad):
        plate = find_plate(frame_rgb(ad.composition.video, at_s, ad.size))
        assert plate is not None
        left, top, right, bottom = plate.box
        assert left >= 0.05 * width - 1
        assert right <= 0.95 * width + 1
        assert top >= 0.05 * height - 1
        assert bottom <= 0.95 * height + 1
        assert min(plate.line_ink_px) >= 0.046 * height  # every line, capital or ascender to its lowest glyph
        assert plate.contrast >= 7.0


def test_the_end_card_shows_the_adequate_provision(ad: RenderedAd, tmp_path: Path) -> None:
    seen = ocr_words(frame_rgb(ad.composition.video, ad.script.duration_s - 1.0, ad.size), tmp_path)
    assert word_share("Ask your doctor or pharmacist 1 800 555 0199", seen) >= 0.9, seen


def test_the_music_sits_more_than_20_db_under_the_voice_while_the_statement_is_spoken(ad: RenderedAd) -> None:
    pages = [s for s in ad.track.segments if s.kind == "safety"]
    span = (pages[0].start_s, pages[-1].end_s)
    margin = music_margin_db(ad.composition.stems.voice, ad.composition.stems.music, span)
    print(f"\nmusic {margin:.1f} dB under the voice during the statement")
    assert margin >= 20


def test_the_margin_measure_fails_a_bed_that_is_not_ducked(ad: RenderedAd) -> None:
    pages = [s for s in ad.track.segments if s.kind == "safety"]
    undocked = ad.composition.video.parent / "music.wav"  # the music as the music stage made it
    assert music_margin_db(ad.composition.stems.voice, undocked, (pages[0].start_s, pages[-1].end_s)) < 20


def _faulty_frame(tmp_path: Path, *, font_px: int, text: str) -> np.ndarray:  # type: ignore[type-arg]
    textfile = tmp_path / "text.txt"
    textfile.write_text(text)
    png = tmp_path / "faulty.png"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "color=c=0x7fb77f:s=1280x720:d=0.1", "-vf",
         f"drawbox=x=100:y=500:w=1080:h=150:color=black@0.85:t=fill,drawtext=fontfile={FONT}:textfile={textfile}"
         f":fontsize={font_px}:fontcolor=white:x=120:y=530", "-frames:v", "1", "-pix_fmt", "rgb24", "-f", "rawvideo",
         str(png)],
        check=True,
    )  # fmt: skip
    return np.frombuffer(png.read_bytes()[: 1280 * 720 * 3], dtype=np.uint8).reshape(720, 1280, 3)


def test_the_pixel_measure_fails_text_shrunk_below_the_threshold(tmp_path: Path) -> None:
    plate: Plate | None = find_plate(_faulty_frame(tmp_path, font_px=18, text="Claritex may cause drowsiness, dry"))
    assert plate is not None
    assert max(plate.line_ink_px) < 0.046 * 720


def test_the_ocr_measure_fails_a_statement_cut_short(tmp_path: Path) -> None:
    cut = STATEMENT[: len(STATEMENT) // 2] + "…"
    seen = ocr_words(_faulty_frame(tmp_path, font_px=36, text=cut), tmp_path)
    assert word_share(STATEMENT, seen) < 0.9

"""Brand colours made readable: whatever the brand colour, the plate and its text meet 7:1 over any footage."""

from __future__ import annotations

import pytest

from services.composer.brand_colours import BLACK, WHITE, readable_plate, worst_contrast
from shared.brand_kit import rgb
from shared.statement import PLATE_OPACITY

BRANDS = ["#0B3D91", "#F4B400", "#E0218A", "#777777", "#00A651", "#FFFFFF", "#000000", "#6A5ACD", "#FF0000"]


def _rgb(colour: str) -> tuple[float, float, float]:
    r, g, b = rgb(colour)
    return float(r), float(g), float(b)


@pytest.mark.parametrize("brand", BRANDS)
def test_every_brand_colour_gives_a_plate_that_meets_the_target_over_any_footage(brand: str) -> None:
    colours = readable_plate(brand, opacity=PLATE_OPACITY)

    assert worst_contrast(_rgb(colours.plate), _rgb(colours.text), PLATE_OPACITY) >= 7.0


def test_a_dark_brand_colour_is_kept_under_white_text() -> None:
    colours = readable_plate("#000000", opacity=PLATE_OPACITY)

    assert (colours.plate, colours.text, colours.shifted) == ("#000000", "#FFFFFF", 0.0)


def test_a_light_brand_colour_is_kept_under_black_text() -> None:
    colours = readable_plate("#F4B400", opacity=PLATE_OPACITY)

    assert (colours.plate, colours.text, colours.shifted) == ("#F4B400", "#000000", 0.0)


def test_a_mid_grey_taken_as_it_is_would_fail_the_contrast_rule_and_is_moved() -> None:
    grey = _rgb("#777777")
    assert worst_contrast(grey, WHITE, PLATE_OPACITY) < 4.5  # the unadjusted plate under white text fails MS-CONTRAST
    assert worst_contrast(grey, BLACK, PLATE_OPACITY) < 4.5

    colours = readable_plate("#777777", opacity=PLATE_OPACITY)

    assert colours.shifted > 0
    assert colours.plate != "#777777"


def test_the_worst_case_counts_the_footage_showing_through_the_plate() -> None:
    # A navy plate fully opaque would read at ~11:1 under white text; at 60 % over white footage it does not.
    assert worst_contrast(_rgb("#0B3D91"), WHITE, 1.0) > 10
    assert worst_contrast(_rgb("#0B3D91"), WHITE, 0.6) < 4.5

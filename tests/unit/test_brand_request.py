"""The request's product photos and brand kit: each bad value is refused naming its field."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from shared.request import AdRequest

BRIEF = "A calm morning with a new allergy relief spray"
IDS = [f"{n:032x}" for n in range(1, 6)]


def refused_at(**fields: object) -> set[str]:
    with pytest.raises(ValidationError) as caught:
        AdRequest(brief=BRIEF, **fields)
    return {".".join(str(part) for part in error["loc"]) for error in caught.value.errors()}


def test_at_most_three_product_photos() -> None:
    assert refused_at(product_photos=IDS[:4]) == {"product_photos"}


def test_a_photo_id_must_look_like_an_asset_id() -> None:
    assert refused_at(product_photos=[IDS[0], "../../etc/passwd"]) == {"product_photos.1"}


def test_the_same_photo_twice_is_refused() -> None:
    assert refused_at(product_photos=[IDS[0], IDS[0]]) == {"product_photos"}


def test_at_most_four_brand_colours_each_hex() -> None:
    assert refused_at(brand_kit={"colours": ["#000000"] * 5}) == {"brand_kit.colours"}
    assert refused_at(brand_kit={"colours": ["#00FF00", "red"]}) == {"brand_kit.colours.1"}


def test_a_corner_bug_needs_a_logo() -> None:
    assert refused_at(brand_kit={"logo_bug": True}) == {"brand_kit.logo_bug"}


def test_unknown_brand_kit_fields_are_refused() -> None:
    assert refused_at(brand_kit={"palette": ["#000000"]}) == {"brand_kit.palette"}


def test_a_valid_kit_is_kept_with_colours_in_capitals() -> None:
    kit = {"logo": IDS[3], "colours": ["#0b3d91"], "font": IDS[4], "logo_bug": True}

    request = AdRequest(brief=BRIEF, product_photos=IDS[:3], brand_kit=kit)

    assert request.brand_kit is not None
    assert request.brand_kit.colours == ["#0B3D91"]
    assert request.product_photos == IDS[:3]

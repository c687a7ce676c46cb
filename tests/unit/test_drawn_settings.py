"""Drawn keyframes depict their setting recognisably: each place's detector (measured image properties,
tests/scenery_probe.py) fires on that place's drawing and on no other, in both frame shapes, dry or in
the rain; rain falls where the words say so; the brand's colours and the product are in the picture."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

from shared.animatic.frame import draw_keyframe
from shared.animatic.setting import PLACES
from shared.providers.base import KeyframeShot
from tests.scenery_probe import DETECTORS, Picture, looks_rainy

SHAPES = {"16:9": (480, 270), "9:16": (270, 480)}


def _drawn(setting: str, prompt: str, aspect: str = "16:9", **shot: object) -> Picture:
    width, height = SHAPES[aspect]
    return Picture(draw_keyframe(KeyframeShot(prompt=prompt, setting=setting, width=width, height=height,
                                              aspect_ratio=aspect, **shot)))  # type: ignore[arg-type]  # fmt: skip


@pytest.mark.parametrize("aspect", SHAPES)
@pytest.mark.parametrize("weather", ["", " in the rain"])
@pytest.mark.parametrize("place", PLACES)
def test_each_setting_is_recognised_as_itself_and_as_nothing_else(place, weather, aspect):
    picture = _drawn(place, f"a {place} scene{weather}", aspect)

    recognised = {name for name, detector in DETECTORS.items() if detector(picture)}

    assert recognised == {place}


@pytest.mark.parametrize("aspect", SHAPES)
@pytest.mark.parametrize("place", PLACES)
def test_rain_falls_only_where_the_words_say_it_rains(place, aspect):
    assert looks_rainy(_drawn(place, f"a {place} in the pouring rain", aspect))
    assert not looks_rainy(_drawn(place, f"a {place} on a clear day", aspect))


def test_the_scenes_words_pick_the_drawing_a_muddy_forest_trail_in_the_rain():
    picture = _drawn("", "a muddy forest trail in the rain")

    assert DETECTORS["forest"](picture)
    assert looks_rainy(picture)
    assert not DETECTORS["city"](picture)


def _share_near(picture: Picture, colour: tuple[int, int, int], within: int = 40) -> float:
    return float((np.abs(picture.raw - np.array(colour)).sum(axis=2) < within).mean())


@pytest.mark.parametrize("place", ["kitchen", "bedroom", "clinic", "studio"])
def test_the_brands_colours_are_painted_into_the_set(place):
    plum = (0x7A, 0x1F, 0x5C)
    branded = _drawn(place, f"a {place}", colours=("#7A1F5C", "#F2C14E"), shows_product=True)
    plain = _drawn(place, f"a {place}", shows_product=True)

    assert _share_near(branded, plum) > 0.03
    assert _share_near(plain, plum) < 0.005


def test_the_product_stands_in_the_scene_that_shows_it_as_a_drawn_pack():
    with_pack = _drawn("kitchen", "a box on a kitchen table", shows_product=True, colours=("#7A1F5C",))
    without = _drawn("kitchen", "a box on a kitchen table", colours=("#7A1F5C",))

    changed = np.abs(with_pack.raw - without.raw).sum(axis=2) > 30
    ys, xs = np.nonzero(changed)
    assert 0.02 < changed.mean() < 0.2  # a pack-sized object, not the whole frame
    assert (ys.max() - ys.min()) > (xs.max() - xs.min())  # standing upright


def test_a_product_photo_is_cut_out_from_its_backdrop_and_stood_in_the_scene(tmp_path):
    photo = tmp_path / "product-0.png"
    image = Image.new("RGB", (200, 300), (250, 250, 250))
    ImageDraw.Draw(image).rectangle((60, 40, 140, 280), fill=(220, 20, 30))
    image.save(photo)
    shot = KeyframeShot(prompt="the pack on a clinic counter", setting="clinic", width=480, height=270,
                        aspect_ratio="16:9", shows_product=True)  # fmt: skip

    picture = Picture(draw_keyframe(shot, photo))

    red = np.abs(picture.raw - np.array((220, 20, 30))).sum(axis=2) < 30
    ys, xs = np.nonzero(red)
    assert red.mean() > 0.01
    box = picture.raw[ys.min() : ys.max() + 1, max(0, xs.min() - 8) : xs.max() + 9]
    assert (box.min(axis=2) > 245).mean() < 0.05  # the photo's white backdrop did not come along


def test_night_is_dark_and_dawn_is_warm():
    night = _drawn("", "a city street at night").raw[:20].mean(axis=(0, 1))
    dawn = _drawn("", "a park at sunrise").raw[:20].mean(axis=(0, 1))
    day = _drawn("", "a park at noon").raw[:20].mean(axis=(0, 1))

    assert night.mean() < 60
    assert dawn[0] > dawn[2]
    assert day[2] > day[0]


@pytest.mark.parametrize("place", PLACES)
def test_a_mirrored_frame_shows_the_same_place_from_the_other_side(place):
    straight = _drawn(place, f"a {place} with the pack", shows_product=True)
    mirrored = _drawn(place, f"a {place} with the pack", shows_product=True, mirrored=True)

    assert {name for name, detector in DETECTORS.items() if detector(mirrored)} == {place}
    if place not in {"studio", "sea"}:  # a centred plinth and an open sea are nearly symmetric already
        assert np.abs(straight.raw - mirrored.raw).mean() > 8

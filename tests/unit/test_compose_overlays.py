from services.composer.overlays import CHAR_WIDTH_EM, isi_window, overlay_plan
from shared.script import NarrationSegment, Scene, Script


def _script(text: str = "Breathe easier every single morning of the year") -> Script:
    scenes = [Scene(index=i, duration_s=10.0, visual_prompt=f"scene {i} prompt", on_screen_text=text) for i in range(3)]
    return Script(
        title="Ad", ad_type="pharmaceutical", duration_s=30.0, scenes=scenes,
        narration=[NarrationSegment(text="Hi.", start_s=0, end_s=2)], safety_text="May cause drowsiness. " * 40,
    )  # fmt: skip


def test_titles_and_safety_text_fit_the_width_of_a_portrait_frame():
    width = 180
    for text in overlay_plan(_script(), (width, 320)).texts:
        widest = max(len(line) for line in text.text.split("\n"))
        assert widest * CHAR_WIDTH_EM * text.font_size <= width


def test_the_safety_information_shows_from_the_last_scene_to_the_end():
    assert isi_window(_script()) == (20.0, 30.0)
    plan = overlay_plan(_script(), (1920, 1080))
    assert plan.bands[0].start_s == 20.0
    assert plan.bands[0].y + plan.bands[0].height == 1080

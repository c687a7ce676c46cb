"""Scene titles drawn by ffmpeg ink inside the title-safe area (TD-SAFE-AREA), in the narrowest frame."""

import numpy as np
import pytest

from services.composer.graph import FONT_BOLD
from services.composer.overlays import scene_titles
from shared.ffmpeg import run_tool
from shared.script import Scene, Script

pytestmark = pytest.mark.slow
SIZE = (720, 1280)  # 9:16, where titles are largest against the width


@pytest.mark.parametrize("title", ["Rooftop energy", "WOW MOMENTS DAILY", "City mornings, cold brew"])
async def test_a_title_in_a_portrait_frame_inks_inside_the_central_90_percent(title, tmp_path):
    scene = Scene(index=0, duration_s=8.0, visual_prompt="a city rooftop", on_screen_text=title)
    script = Script(title="Ad", duration_s=8.0, aspect_ratio="9:16", resolution="720p", needs_narration=False,
                    scenes=[scene])  # fmt: skip
    (overlay,) = scene_titles(script, SIZE, quiet=[])
    textfile = tmp_path / "title.txt"
    textfile.write_text(overlay.text)
    drawn = (f"drawtext=fontfile={FONT_BOLD}:textfile={textfile}:expansion=none:fontsize={overlay.font_size}"
             ":fontcolor=white:x=(w-text_w)/2:y=h*0.30-text_h/2")  # fmt: skip
    black = f"color=c=black:s={SIZE[0]}x{SIZE[1]}:d=0.1"
    raw = await run_tool(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", black, "-vf", drawn, "-frames:v", "1",
                          "-f", "rawvideo", "-pix_fmt", "gray", "-"], timeout_s=30)  # fmt: skip
    frame = np.frombuffer(raw, np.uint8).reshape(SIZE[1], SIZE[0])
    inked = np.flatnonzero(frame.max(axis=0) > 128)

    assert inked[0] >= SIZE[0] * 0.05
    assert inked[-1] <= SIZE[0] * 0.95

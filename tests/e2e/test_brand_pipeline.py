"""A whole job through the stack with the user's product photo and brand kit: the files uploaded through the
gateway's presigned POSTs to the emulator, the job run by every stage, and the finished ad measured: the logo
found on the end card, the brand colour on the statement plate, the titles in the brand font, the compliance
report passing. (The measures are shown failing on ads made without each part in tests/media.)"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from shared.script import NarrationTrack, Script
from tests.brand_assets import BRAND_FONT, LOGO_SVG, photo_pixels, png_bytes
from tests.brand_probe import colour_distance, coloured_box, find_logo, ink_mask, reference_ink, shape_similarity
from tests.e2e.briefs import CLARITEX
from tests.harness.stack import RunningStack, wait_until_ended
from tests.statement_probe import frame_rgb

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
PLATE, TITLE = "#0B3D91", "#F4B400"
DEFAULT_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
SIZE = (1280, 720)
BRIEF = {**CLARITEX, "loudness_lufs": -24}


def _upload(client: httpx.Client, kind: str, content_type: str, data: bytes) -> str:
    created = client.post("/api/v1/assets", json={"kind": kind, "content_type": content_type, "size_bytes": len(data)})
    assert created.status_code == 201, created.text
    form = created.json()["upload"]
    posted = httpx.post(form["url"], data=form["fields"], files={"file": ("f", data, content_type)}, timeout=30)
    assert posted.status_code in (200, 201, 204), posted.text
    asset_id: str = created.json()["asset_id"]
    assert client.get(f"/api/v1/assets/{asset_id}").json()["status"] == "ready"
    return asset_id


@pytest.fixture(scope="module")
def branded(stack: RunningStack, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    work = tmp_path_factory.mktemp("brand-e2e")
    with stack.client() as client:
        photo = _upload(client, "product_photo", "image/png", png_bytes(photo_pixels()))
        logo = _upload(client, "logo", "image/svg+xml", LOGO_SVG)
        font = _upload(client, "font", "font/ttf", BRAND_FONT.read_bytes())
        kit = {"logo": logo, "colours": [PLATE, TITLE], "font": font, "logo_bug": True}
        response = client.post("/api/v1/generate", json={**BRIEF, "product_photos": [photo], "brand_kit": kit})
        assert response.status_code == 202, response.text
        job = wait_until_ended(client, response.json()["job_id"], timeout_s=600)
        assert job["status"] == "completed", job
        video = work / "ad.mp4"
        with httpx.stream("GET", job["outputs"]["video_url"], timeout=60) as download:  # type: ignore[index]
            download.raise_for_status()
            video.write_bytes(download.read())
        compliance = client.get(job["links"]["compliance"]).json()  # type: ignore[index]
    s3: Any = stack.aws("s3")
    prefix = f"users/e2e-user/jobs/{job['job_id']}/"
    script = Script.model_validate_json(
        s3.get_object(Bucket="pharmagen-assets", Key=prefix + "script/script.json")["Body"].read()
    )
    timings = NarrationTrack.model_validate_json(
        s3.get_object(Bucket="pharmagen-assets", Key=prefix + "audio/narration-timings.json")["Body"].read()
    )
    svg = work / "logo.svg"
    svg.write_bytes(LOGO_SVG)
    return {"job": job, "video": video, "svg": svg, "compliance": compliance, "script": script, "timings": timings}


def _duration(branded: dict[str, Any]) -> float:
    return float(branded["job"]["video_duration_s"])


def test_the_logo_is_on_the_end_card(branded: dict[str, Any]) -> None:
    frame = frame_rgb(branded["video"], _duration(branded) - 1.0, SIZE)
    score, _, height = find_logo(frame, branded["svg"], range(40, 260, 10))
    print(f"\nend card logo: ncc {score:.3f} at {height} px")
    assert score >= 0.85


def test_the_statement_and_end_card_plates_are_in_the_brand_colour(branded: dict[str, Any]) -> None:
    page = next(s for s in branded["timings"].segments if s.kind == "safety")
    for at_s in ((page.start_s + page.end_s) / 2, _duration(branded) - 1.0):
        # The plates sit at the foot of the title-safe area; their middle is plate and text, never footage.
        plate = coloured_box(frame_rgb(branded["video"], at_s, SIZE), PLATE, (0.8, 0.95), columns=(0.4, 0.6))
        assert plate is not None, at_s
        assert colour_distance(plate.colour, PLATE) <= 40


def test_the_compliance_report_passes_with_the_brand_on_screen(branded: dict[str, Any]) -> None:
    report = branded["compliance"]
    assert report["passed"], report["failing"]


def test_the_first_title_is_set_in_the_brand_font(branded: dict[str, Any], tmp_path: Path) -> None:
    scene = branded["script"].scenes[0]
    frame = frame_rgb(branded["video"], scene.duration_s / 2, SIZE)
    box = coloured_box(frame, TITLE, (0.18, 0.42), columns=(0.1, 0.9))
    assert box is not None
    drawn = ink_mask(frame, box.box, dark_text=True)
    brand = shape_similarity(drawn, reference_ink(scene.on_screen_text, BRAND_FONT, tmp_path))
    default = shape_similarity(drawn, reference_ink(scene.on_screen_text, DEFAULT_FONT, tmp_path))
    print(f"\ntitle glyphs: {brand:.2f} like the brand font, {default:.2f} like the default")
    assert brand >= default + 0.2

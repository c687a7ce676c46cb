"""The web page in headless Chromium (Playwright): paste a key, submit a brief, watch the job's progress.

Against the gateway + emulator only, the job stays queued (no workers run); against the whole
stack as processes (the e2e `stack` fixture), the page follows the job to 100 % and loads the video.
The accessibility audit (tests/harness/page_audit.py) is measured on the page at phone and desktop widths,
and shown failing on a page built to break each of its checks. Screenshots go to PHARMAGEN_SCREENSHOTS
(`make screenshots` sets it to docs/screenshots), else to a temporary directory.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.brand_assets import BRAND_FONT, LOGO_SVG, photo_pixels, png_bytes
from tests.harness.gateway import RunningGateway, running_gateway
from tests.harness.page_audit import audit, focus_problems, static_problems
from tests.harness.stack import RunningStack
from tools.local.bootstrap import Created

CHROMIUM = Path("/usr/bin/chromium")
PHONE, DESKTOP = 390, 1440
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
pytestmark = [
    pytest.mark.browser,
    pytest.mark.e2e,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed at /usr/bin/chromium"),
]


@pytest.fixture(scope="module")
def page_gateway(aws: Created, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningGateway]:
    log_path = tmp_path_factory.mktemp("gw-browser") / "gateway.log"
    with running_gateway(users=["viewer"], log_path=log_path, start_timeout_s=60) as gw:
        yield gw


@pytest.fixture
def page() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser.new_page(viewport={"width": DESKTOP, "height": 900})
        finally:
            browser.close()


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    """Where screenshots go: PHARMAGEN_SCREENSHOTS (docs/screenshots via `make screenshots`), else a temp dir."""
    target = Path(os.environ.get("PHARMAGEN_SCREENSHOTS") or tmp_path)
    target.mkdir(parents=True, exist_ok=True)
    return target


def _screenshot(page: Any, shots: Path, name: str) -> None:
    """The page at phone and desktop widths, whole height; each file is checked to be a real PNG."""
    for width in (PHONE, DESKTOP):
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(150)  # one layout pass at the new width
        path = shots / f"{name}-{width}.png"
        page.screenshot(path=str(path), full_page=True)
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def _wait_until(page: Any, expression: str, timeout_s: float) -> None:
    """Polls an expression from outside the page: Playwright's in-page polling evaluates strings, which the
    page's CSP (no 'unsafe-eval') refuses once the first check comes back false."""
    deadline = time.monotonic() + timeout_s
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"not true within {timeout_s} s: {expression}"
        page.wait_for_timeout(250)


def _submit_brief(page: Any, base_url: str, api_key: str) -> None:
    page.goto(base_url + "/")
    page.get_by_label("Your API key").fill(api_key)
    page.get_by_role("button", name="Save key").click()
    page.get_by_label("Brief").fill("Thirty calm seconds for an allergy relief spray, morning light")
    page.get_by_label("Length (s)").fill("10")
    page.get_by_role("button", name="Generate").click()


def test_a_submitted_brief_appears_with_its_progress(page: Any, page_gateway: RunningGateway, shots: Path) -> None:
    from playwright.sync_api import expect

    _submit_brief(page, page_gateway.base_url, page_gateway.keys["viewer"])
    expect(page.locator("#job-status")).to_have_text("queued", timeout=10_000)
    expect(page.locator("#job-percent")).to_have_text("0 %")
    job_id = page.evaluate("location.hash").rsplit("/", 1)[-1]
    view = httpx.get(f"{page_gateway.base_url}/api/v1/jobs/{job_id}", headers=page_gateway.headers("viewer")).json()
    expect(page.locator("#stages li")).to_have_count(len(view["stages"]))
    expect(page.locator("#stages li").first).to_contain_text("waiting")
    expect(page.locator("#jobs li")).to_have_count(1)
    expect(page.locator("#jobs li [aria-current=true]")).to_contain_text("allergy relief spray")
    expect(page.locator("#live")).to_have_attribute("aria-live", "polite")
    expect(page.locator("#live")).to_have_text("Job queued, 0 percent.")
    _screenshot(page, shots, "submitted")


def test_a_field_error_is_shown_by_name(page: Any, page_gateway: RunningGateway) -> None:
    from playwright.sync_api import expect

    page.goto(page_gateway.base_url + "/")
    page.get_by_label("Your API key").fill(page_gateway.keys["viewer"])
    page.get_by_role("button", name="Save key").click()
    page.get_by_label("Brief").fill("An allergy spot with a calm narrator")
    page.get_by_label("Ad type").select_option("pharmaceutical")
    page.get_by_role("button", name="Generate").click()
    expect(page.locator("#form-errors")).to_contain_text("side_effects")
    expect(page.locator("#form-errors")).to_be_focused()
    expect(page.get_by_label("Side effects (major statement)")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#side_effects-error")).to_contain_text("required for pharmaceutical ads")


def test_the_pharmaceutical_fields_appear_only_for_a_pharmaceutical_ad(page: Any, page_gateway: RunningGateway) -> None:
    from playwright.sync_api import expect

    page.goto(page_gateway.base_url + "/")
    expect(page.get_by_label("Toll-free phone")).to_be_hidden()
    page.get_by_label("Ad type").select_option("pharmaceutical")
    expect(page.get_by_label("Toll-free phone")).to_be_visible()
    expect(page.get_by_label("Side effects (major statement)")).to_be_visible()


def test_brand_kit_uploads_go_through_the_presigned_form_into_the_request(
    page: Any, page_gateway: RunningGateway
) -> None:
    """Files chosen in the page reach S3 by presigned POST, pass the server's check, and the job names them."""
    from playwright.sync_api import expect

    page.goto(page_gateway.base_url + "/")
    page.get_by_label("Your API key").fill(page_gateway.keys["viewer"])
    page.get_by_role("button", name="Save key").click()
    photo = {"name": "bottle.png", "mimeType": "image/png", "buffer": png_bytes(photo_pixels())}
    page.get_by_label("Product photos (up to 3)").set_input_files([photo])
    expect(page.locator("#uploads-status")).to_have_text("Uploaded bottle.png.", timeout=15_000)
    page.get_by_label("Logo (PNG or SVG)").set_input_files(
        [{"name": "logo.svg", "mimeType": "image/svg+xml", "buffer": LOGO_SVG}]
    )
    expect(page.locator("#uploads-status")).to_have_text("Uploaded logo.svg.", timeout=15_000)
    page.get_by_label("Brand font (TTF or OTF)").set_input_files(str(BRAND_FONT))
    expect(page.locator("#uploads-status")).to_have_text(f"Uploaded {BRAND_FONT.name}.", timeout=15_000)
    expect(page.locator("#upload-list li")).to_have_count(3)
    page.get_by_label("Brand colours").fill("#0b4f6c, #F2A541")
    expect(page.locator("#swatches .swatch")).to_have_count(2)
    page.get_by_label("Brief").fill("Thirty calm seconds for an allergy relief spray, morning light")
    page.get_by_label("Length (s)").fill("10")
    page.get_by_role("button", name="Generate").click()
    expect(page.locator("#job-status")).to_have_text("queued", timeout=10_000)

    job_id = page.evaluate("location.hash").rsplit("/", 1)[-1]
    request = httpx.get(f"{page_gateway.base_url}/api/v1/jobs/{job_id}", headers=page_gateway.headers("viewer"))
    sent = request.json()["request"]
    assert len(sent["product_photos"]) == 1
    assert sent["brand_kit"]["logo"]
    assert sent["brand_kit"]["font"]
    assert sent["brand_kit"]["colours"] == ["#0B4F6C", "#F2A541"]


def test_a_file_of_the_wrong_type_is_refused_by_name(page: Any, page_gateway: RunningGateway) -> None:
    from playwright.sync_api import expect

    page.goto(page_gateway.base_url + "/")
    page.get_by_label("Your API key").fill(page_gateway.keys["viewer"])
    page.get_by_role("button", name="Save key").click()
    page.get_by_label("Logo (PNG or SVG)").set_input_files(
        [{"name": "logo.png", "mimeType": "image/png", "buffer": b"not a png at all, only text"}]
    )
    expect(page.locator("#uploads-status")).to_contain_text("logo.png not uploaded", timeout=15_000)
    expect(page.locator("#upload-list li")).to_have_count(0)


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_the_page_passes_the_accessibility_audit(
    page: Any, page_gateway: RunningGateway, width: int, shots: Path
) -> None:
    """With a job shown and the pharmaceutical fields open: names, headings, contrast, focus, no overflow."""
    from playwright.sync_api import expect

    page.set_viewport_size({"width": width, "height": 900})
    _submit_brief(page, page_gateway.base_url, page_gateway.keys["viewer"])
    expect(page.locator("#job-status")).to_have_text("queued", timeout=10_000)
    page.get_by_label("Ad type").select_option("pharmaceutical")
    assert audit(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width


BROKEN_PAGE = """<!doctype html><html><head><style>
  :focus { outline: none; } .pale { color: #bbb; background: #fff; } .wide { width: 900px; }
</style></head><body>
<h2>No h1 first</h2><h4>Skips a level</h4>
<input id="unnamed"><img src="data:," class="noalt">
<p class="pale">Pale grey text on white</p><div class="wide">too wide for a phone</div>
<button>Named but no focus ring</button>
</body></html>"""


def test_the_audit_finds_each_problem_on_a_page_built_to_fail(page: Any) -> None:
    page.set_viewport_size({"width": PHONE, "height": 900})
    page.set_content(BROKEN_PAGE)
    problems = static_problems(page)
    expected = [
        "no accessible name: input#unnamed",
        "image without alt: img.noalt",
        "expected one h1, found 0",
        "first heading is H2, not H1",
        "heading level skipped: H4",
        "expected exactly one main landmark",
        "html has no lang",
        'for "Pale grey text on white"',
        "horizontal overflow: page is",
    ]
    for fragment in expected:
        assert any(fragment in problem for problem in problems), (fragment, problems)
    assert "no visible focus ring on input#unnamed" in focus_problems(page)


def test_the_finished_video_plays_in_the_page(page: Any, stack: RunningStack, shots: Path) -> None:
    """Against the whole stack as processes: progress reaches 100 %, the video loads, the checklist shows."""
    from playwright.sync_api import expect

    _submit_brief(page, stack.url, stack.api_key)
    expect(page.locator("#job-percent")).to_have_text("100 %", timeout=240_000)
    _wait_until(page, "document.getElementById('video').readyState >= 2", 30)
    expect(page.locator("#compliance-rules li").first).to_be_visible(timeout=10_000)
    expect(page.locator("#compliance-verdict")).to_contain_text("Passed every rule")
    expect(page.locator("#live")).to_have_text("Job completed, 100 percent.")
    assert audit(page) == []
    _screenshot(page, shots, "completed")


def test_review_edit_approve_and_revise_in_the_page(page: Any, stack: RunningStack, shots: Path) -> None:
    """The whole loop a marketer works in: quote, review the storyboard, edit a scene, approve, then a
    text-only revision; both versions play side by side and the compliance checklist shows."""
    from playwright.sync_api import expect

    page.goto(stack.url + "/")
    page.get_by_label("Your API key").fill(stack.api_key)
    page.get_by_role("button", name="Save key").click()
    page.get_by_label("Brief").fill("Twelve calm seconds for an allergy relief spray: a forest trail, morning light")
    page.get_by_label("Brand", exact=True).fill("Claritex")
    page.get_by_label("Length (s)").fill("12")
    page.get_by_label("Stop for my approval after the storyboard").check()

    page.get_by_role("button", name="Get a quote").click()
    expect(page.locator("#quote-body .total strong")).to_contain_text("$", timeout=30_000)
    expect(page.locator("#quote-body table").first).to_contain_text("Cost per stage")
    _screenshot(page, shots, "quote")

    page.get_by_role("button", name="Generate").click()
    expect(page.locator("#job-status")).to_have_text("awaiting approval", timeout=180_000)
    job_id = page.evaluate("location.hash").rsplit("/", 1)[-1]
    with stack.client() as api:
        board = api.get(f"/api/v1/jobs/{job_id}/storyboard").json()
        assert api.get(f"/api/v1/jobs/{job_id}").json()["stages"]["clips"]["status"] == "pending"
    expect(page.locator("#scenes .scene-card")).to_have_count(len(board["scenes"]))
    expect(page.locator("#live")).to_contain_text("awaiting approval")
    _screenshot(page, shots, "storyboard")

    duration = page.get_by_label("Scene 1 Duration (s)")
    duration.fill(str(board["scenes"][0]["duration_s"] + 3))
    page.get_by_role("button", name="Save edits").click()
    expect(page.locator("#storyboard-errors")).to_contain_text("Scene 1 Duration (s)")
    expect(duration).to_have_attribute("aria-invalid", "true")
    duration.fill(str(board["scenes"][0]["duration_s"]))

    page.get_by_label("Scene 1 On-screen text").fill("Breathe easy on the trail")
    page.get_by_role("button", name="Approve and render").click()
    expect(page.locator("#job-notice")).to_have_text("Approved: rendering the video now.", timeout=30_000)
    expect(page.locator("#job-percent")).to_have_text("100 %", timeout=480_000)
    expect(page.locator("#job-status")).to_have_text("completed")
    with stack.client() as api:
        rendered = api.get(f"/api/v1/jobs/{job_id}/storyboard").json()
    assert rendered["scenes"][0]["on_screen_text"] == "Breathe easy on the trail"
    _wait_until(page, "document.getElementById('video').readyState >= 2", 30)

    page.get_by_label("Scene 1 On-screen text").fill("Breathe easy, all spring")
    page.get_by_role("button", name="Make a revision").click()
    expect(page.locator("#job-notice")).to_contain_text("Version 2", timeout=30_000)
    expect(page.locator("#version-grid .version")).to_have_count(2, timeout=480_000)
    expect(page.locator("#job-status")).to_have_text("completed", timeout=480_000)
    _wait_until(page, "[...document.querySelectorAll('#version-grid video')].every((v) => v.readyState >= 2)", 60)
    expect(page.locator("#compliance-rules li").first).to_be_visible(timeout=30_000)
    assert audit(page) == []
    _screenshot(page, shots, "versions")

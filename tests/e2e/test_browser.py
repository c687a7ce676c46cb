"""The web page in headless Chromium (Playwright): paste a key, submit a brief, watch the job's progress.

Against the gateway + emulator only, the job stays queued (no workers run); against the whole
stack as processes (the e2e `stack` fixture), the page follows the job to 100 % and loads the video.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.harness.gateway import RunningGateway, running_gateway
from tests.harness.stack import RunningStack
from tools.local.bootstrap import Created

CHROMIUM = Path("/usr/bin/chromium")
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
    with running_gateway(users=["viewer"], log_path=tmp_path_factory.mktemp("gw-browser") / "gateway.log") as gw:
        yield gw


@pytest.fixture
def page() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser.new_page()
        finally:
            browser.close()


def _submit_brief(page: Any, base_url: str, api_key: str) -> None:
    page.goto(base_url + "/")
    page.get_by_label("Your API key").fill(api_key)
    page.get_by_role("button", name="Save key").click()
    page.get_by_label("Brief").fill("Thirty calm seconds for an allergy relief spray, morning light")
    page.get_by_label("Length (s)").fill("10")
    page.get_by_role("button", name="Generate").click()


def test_a_submitted_brief_appears_with_its_progress(page: Any, page_gateway: RunningGateway) -> None:
    from playwright.sync_api import expect

    _submit_brief(page, page_gateway.base_url, page_gateway.keys["viewer"])
    expect(page.locator("#job-status")).to_have_text("queued", timeout=10_000)
    expect(page.locator("#job-percent")).to_have_text("0 %")
    expect(page.locator("#stages li")).to_have_count(5)
    expect(page.locator("#jobs li")).to_have_count(1)
    expect(page.locator("#live")).to_have_attribute("aria-live", "polite")


def test_a_field_error_is_shown_by_name(page: Any, page_gateway: RunningGateway) -> None:
    from playwright.sync_api import expect

    page.goto(page_gateway.base_url + "/")
    page.get_by_label("Your API key").fill(page_gateway.keys["viewer"])
    page.get_by_role("button", name="Save key").click()
    page.get_by_label("Brief").fill("An allergy spot with a calm narrator")
    page.get_by_label("Ad type").select_option("pharmaceutical")
    page.get_by_role("button", name="Generate").click()
    expect(page.locator("#form-errors")).to_contain_text("side_effects")


def test_the_finished_video_plays_in_the_page(page: Any, stack: RunningStack) -> None:
    """Against the whole stack as processes: progress reaches 100 % and the video element loads."""
    from playwright.sync_api import expect

    _submit_brief(page, stack.url, stack.api_key)
    expect(page.locator("#job-percent")).to_have_text("100 %", timeout=240_000)
    page.wait_for_function("document.getElementById('video').readyState >= 2", timeout=30_000)

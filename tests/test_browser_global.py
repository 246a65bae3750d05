"""In a real Chromium: run a small projection, hover a point (thumbnail), select it."""
from __future__ import annotations

import pytest

from tests.browser import chromium_page, dashboard, fill_and_run, hover_first_point

pytestmark = pytest.mark.browser  # drives Chromium against a served dashboard

TIMEOUT_MS = 180_000


@pytest.fixture(scope="module")
def url():
    with dashboard() as address:
        yield address


def test_project_hover_a_point_and_open_it(url, artifacts):
    with chromium_page() as page:
        page.goto(f"{url}/projection")
        page.get_by_text("How does this layer organise the data?").wait_for(timeout=TIMEOUT_MS)
        fill_and_run(page, "Items", 40, "Project", "40 items · layer", TIMEOUT_MS)
        x, y = hover_first_point(page, TIMEOUT_MS)
        thumb = page.locator("#xai-hover-thumb")
        thumb.wait_for(state="visible", timeout=20_000)
        assert thumb.locator("img").get_attribute("src").startswith("data:image/jpeg;base64,")
        assert "predicted" in page.locator(".hovertext").first.text_content()
        page.screenshot(path=str(artifacts / "browser_projection_hover.png"), full_page=True)
        page.mouse.click(x, y)
        page.get_by_text("Item #").wait_for(timeout=TIMEOUT_MS)
        page.get_by_role("button", name="Explain it on the image page").click()
        page.get_by_text("Why this image?").wait_for(timeout=TIMEOUT_MS)
        page.screenshot(path=str(artifacts / "browser_projection_opened.png"), full_page=True)
        assert page.locator('[data-testid="stException"]').count() == 0

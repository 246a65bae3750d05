"""In a real Chromium: the image page's "Compare with…" draws the prediction sentence and
the signed difference map of a second model; no request leaves 127.0.0.1."""
from __future__ import annotations

import pytest

from bench.first_heatmap import wait_for_grid
from tests.browser import chromium_page, dashboard
from tests.offline import assert_local, recorded_requests

pytestmark = [pytest.mark.browser, pytest.mark.slow]
TIMEOUT_MS = 300_000


def test_the_image_page_compares_with_a_second_model(artifacts):
    with dashboard() as url, chromium_page() as page, recorded_requests(page) as log:
        page.goto(url)
        wait_for_grid(page, "Egyptian cat", complete=True)
        box = page.get_by_role("combobox", name="Compare with…")
        box.scroll_into_view_if_needed()
        page.wait_for_timeout(1000)  # the agreement chart above settles
        box.click()
        page.keyboard.type("efficientnet_lite0")
        page.keyboard.press("Enter")
        page.get_by_text("mobilenet_v2 → efficientnet_lite0").wait_for(timeout=TIMEOUT_MS)
        caption = page.get_by_text("gradcam: efficientnet_lite0 − mobilenet_v2").first
        caption.wait_for(timeout=TIMEOUT_MS)
        caption.scroll_into_view_if_needed()
        page.wait_for_timeout(1500)
        page.screenshot(path=str(artifacts / "browser_image_compare.png"))
        assert page.locator('[data-testid="stException"]').count() == 0
        assert_local(log)

"""In a real Chromium, first request on a fresh server: run a small audit of shortcut_cnn,
see both classes flagged, hover a SpRAy point (thumbnail) and click it through to the
image page. No request may leave 127.0.0.1."""
from __future__ import annotations

import pytest

from tests.browser import chromium_page, dashboard, fill_and_run, hover_first_point
from tests.offline import assert_local, recorded_requests

TIMEOUT_MS = 240_000
ALL_IMAGES_LOADED = """() => [...document.querySelectorAll('[data-testid="stImage"] img')]
  .every(i => i.complete && i.naturalWidth > 0)"""


@pytest.mark.browser
@pytest.mark.slow
def test_audit_flags_the_shortcut_and_opens_a_spray_point(artifacts):
    with dashboard() as url, chromium_page() as page, recorded_requests(page) as log:
        page.goto(f"{url}/audit")
        page.get_by_text("Does the model decide by the object").wait_for(timeout=TIMEOUT_MS)
        fill_and_run(page, "Images", 60, "Run the audit", "Flagged: triangle, cross",
                     TIMEOUT_MS)
        page.get_by_text("cross: predictions flip in").wait_for(timeout=TIMEOUT_MS)
        page.get_by_text("Evidence: strong").first.wait_for(timeout=TIMEOUT_MS)
        page.get_by_text("swapped, predicted:").first.wait_for(timeout=TIMEOUT_MS)
        page.locator('[data-testid="stImage"] img').first.wait_for(timeout=TIMEOUT_MS)
        page.wait_for_function(ALL_IMAGES_LOADED, timeout=TIMEOUT_MS)  # no blank tiles
        page.screenshot(path=str(artifacts / "browser_audit_flags.png"))
        x, y = hover_first_point(page, TIMEOUT_MS)
        page.locator("#xai-hover-thumb").wait_for(state="visible", timeout=20_000)
        page.screenshot(path=str(artifacts / "browser_audit.png"), full_page=True)
        page.mouse.click(x, y)
        page.get_by_text("Item #").wait_for(timeout=TIMEOUT_MS)
        page.get_by_role("button", name="Explain it on the image page").click()
        page.get_by_text("Why this image?").wait_for(timeout=TIMEOUT_MS)
        page.get_by_text("dataset:shortcut_biased:").first.wait_for(timeout=TIMEOUT_MS)
        page.get_by_text("shortcut_cnn").first.wait_for(timeout=TIMEOUT_MS)
        page.wait_for_timeout(3000)
        page.screenshot(path=str(artifacts / "browser_audit_opened.png"), full_page=True)
        assert page.locator('[data-testid="stException"]').count() == 0
    assert_local(log)

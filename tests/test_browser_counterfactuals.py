"""In a real Chromium: the Counterfactuals page turns a bundled 3 into an 8 and shows the
shortcut model's proponents (screenshots)."""
from __future__ import annotations

import pytest

from tests.browser import chromium_page, dashboard

pytestmark = pytest.mark.browser

TIMEOUT_MS = 300_000


def test_counterfactual_digit_and_proponents(artifacts):
    with dashboard() as url, chromium_page() as page:
        page.set_viewport_size({"width": 1400, "height": 1100})
        page.goto(f"{url}/counterfactuals")
        page.get_by_text("What would have to change?").wait_for(timeout=TIMEOUT_MS)
        page.get_by_role("button", name="Search the latent space").click()
        page.get_by_text("3 → 8: the model gives 8").wait_for(timeout=TIMEOUT_MS)
        # the sentence can arrive a moment before the images it describes
        page.locator('[data-testid="stImageCaption"]',
                     has_text="counterfactual · model says 8").first.wait_for(timeout=TIMEOUT_MS)
        captions = page.locator('[data-testid="stImageCaption"]').all_text_contents()
        assert any(c.startswith("counterfactual · model says 8") for c in captions), captions
        page.get_by_text("Through the generator").scroll_into_view_if_needed()
        page.screenshot(path=str(artifacts / "browser_counterfactual_digit.png"))
        page.get_by_role("combobox", name="Classifier").click()
        page.get_by_role("option", name="shortcut_cnn", exact=True).click()
        page.get_by_text("the training data ties meadow to triangle").wait_for(timeout=TIMEOUT_MS)
        page.locator('[data-testid="stImageCaption"]', has_text="triangle on meadow").first.wait_for(
            timeout=TIMEOUT_MS)
        page.wait_for_timeout(2000)
        page.get_by_text("Top proponents").scroll_into_view_if_needed()
        page.screenshot(path=str(artifacts / "browser_counterfactual_proponents.png"))
        assert page.locator('[data-testid="stException"]').count() == 0

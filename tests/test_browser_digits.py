"""In a real Chromium: the actmax page's three priors for one digit class (screenshot)."""
from __future__ import annotations

import pytest

from tests.browser import chromium_page, dashboard

pytestmark = pytest.mark.browser

TIMEOUT_MS = 300_000


def test_actmax_three_priors_for_a_digit(artifacts):
    with dashboard() as url, chromium_page() as page:
        page.goto(f"{url}/actmax")
        page.get_by_text("What does this unit look for?").wait_for(timeout=TIMEOUT_MS)
        page.get_by_role("combobox", name="Classifier").click()
        page.get_by_role("option", name="digit_cnn", exact=True).click()
        page.get_by_text("Three priors", exact=False).wait_for(state="detached", timeout=5000)
        page.get_by_text("Class logit").click()
        page.get_by_text("Three priors, one class").wait_for(timeout=TIMEOUT_MS)
        page.get_by_role("combobox", name="Class", exact=True).click()
        page.keyboard.type("3 (3)")
        page.keyboard.press("Enter")
        page.wait_for_timeout(1500)
        page.get_by_role("button", name="Compare the three").click()
        page.get_by_text("generator keeps the image").wait_for(timeout=TIMEOUT_MS)
        captions = page.locator('[data-testid="stImageCaption"]').all_text_contents()
        assert [c.split(" · ")[0] for c in captions[:3]] == ["raw pixels", "regularised",
                                                               "generator prior"]
        page.get_by_text("Three priors, one class").scroll_into_view_if_needed()
        page.screenshot(path=str(artifacts / "browser_actmax_priors.png"))
        assert page.locator('[data-testid="stException"]').count() == 0

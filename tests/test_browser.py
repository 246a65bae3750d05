"""A person's path through the dashboard, in a real Chromium."""
from __future__ import annotations

import pytest

from tests.browser import chromium_page, dashboard

TIMEOUT_MS = 180_000


@pytest.fixture(scope="module")
def url():
    with dashboard() as address:
        yield address


def test_upload_an_image_and_see_the_overlay(url, sample_files, artifacts):
    with chromium_page() as page:
        page.goto(url)
        page.get_by_text("Why this image?").wait_for(timeout=TIMEOUT_MS)
        page.locator('input[type="file"]').set_input_files(str(sample_files["coffee"]))
        caption = page.get_by_text("Grad-CAM for “espresso”")
        caption.wait_for(timeout=TIMEOUT_MS)
        image = page.locator('[data-testid="stImage"] img').first
        image.wait_for(timeout=TIMEOUT_MS)
        page.wait_for_function(
            "() => [...document.querySelectorAll('[data-testid=\"stImage\"] img')]"
            ".some(img => img.complete && img.naturalWidth === 600 && img.naturalHeight === 400)",
            timeout=TIMEOUT_MS)
        page.get_by_text("model evaluations").wait_for(timeout=TIMEOUT_MS)
        page.locator(".js-plotly-plot").first.wait_for(timeout=TIMEOUT_MS)  # plotly loads lazily
        page.screenshot(path=str(artifacts / "browser_image_upload.png"), full_page=True)
        assert page.locator(".js-plotly-plot").count() == 1


def test_a_broken_upload_gets_a_message_and_the_page_keeps_working(url, sample_files, artifacts):
    with chromium_page() as page:
        page.goto(url)
        page.get_by_text("Why this image?").wait_for(timeout=TIMEOUT_MS)
        page.locator('input[type="file"]').set_input_files(str(sample_files["not_image"]))
        page.get_by_text("Could not read this file").wait_for(timeout=TIMEOUT_MS)
        page.screenshot(path=str(artifacts / "browser_bad_upload.png"), full_page=True)
        assert page.locator('[data-testid="stException"]').count() == 0
        page.locator('input[type="file"]').set_input_files(str(sample_files["chelsea"]))
        page.get_by_text("Grad-CAM for “Egyptian cat”").wait_for(timeout=TIMEOUT_MS)

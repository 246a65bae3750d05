"""A person's path through the dashboard, in a real Chromium."""
from __future__ import annotations

import pytest
from PIL import Image

from tests.browser import chromium_page, dashboard, image_upload

pytestmark = pytest.mark.browser  # drives Chromium against a served dashboard

TIMEOUT_MS = 180_000


@pytest.fixture(scope="module")
def url():
    with dashboard() as address:
        yield address


GRID = "[data-model-calls]"  # the panel grid carries the server's count of model calls
PANELS = 4


def model_calls(page) -> int:
    return int(page.locator(GRID).first.get_attribute("data-model-calls"))


def wait_for_panels(page, count: int) -> None:
    """Until the grid shows ``count`` panels, each with its deletion/insertion AUC."""
    page.wait_for_function(
        "n => { const g = document.querySelector('[data-model-calls]');"
        " return g && g.querySelectorAll('figure').length === n &&"
        " [...g.querySelectorAll('figcaption')]"
        ".every(c => /insertion AUC|LeRF/.test(c.textContent)); }",
        arg=count, timeout=TIMEOUT_MS)


def add_method(page, title: str, panels_after: int) -> None:
    """Pick a method in the Methods multiselect; wait for its panel."""
    page.get_by_role("combobox", name="Methods").click()
    page.get_by_role("option", name=title, exact=True).click()
    page.keyboard.press("Escape")
    wait_for_panels(page, panels_after)


def test_four_methods_and_an_opacity_change_that_calls_no_model(url, sample_files, artifacts):
    with chromium_page() as page:
        page.goto(url)
        page.get_by_text("Why this image?").wait_for(timeout=TIMEOUT_MS)
        image_upload(page).set_input_files(str(sample_files["coffee"]))
        page.locator(f"{GRID} figcaption", has_text="espresso").first.wait_for(timeout=TIMEOUT_MS)
        wait_for_panels(page, 3)
        page.get_by_role("button", name="Remove Saliency (gradient)").click()
        wait_for_panels(page, 2)
        add_method(page, "Saliency (gradient)", 3)
        add_method(page, "Gradient × input", PANELS)  # two fast gradient methods
        # panels are inline images we encoded, never a media URL to the upload
        first = page.locator(f"{GRID} img").first
        before, calls = first.get_attribute("src"), model_calls(page)
        assert before.startswith("data:image/jpeg;base64,")
        page.get_by_role("slider", name="Overlay opacity").focus()
        for _ in range(6):
            page.keyboard.press("ArrowRight")
        page.wait_for_function(
            "old => { const img = document.querySelector('[data-model-calls] img');"
            " return img && img.getAttribute('src') !== old; }", arg=before, timeout=TIMEOUT_MS)
        assert model_calls(page) == calls
        assert page.locator(f"{GRID} figure").count() == PANELS
        page.locator(".js-plotly-plot").nth(1).wait_for(timeout=TIMEOUT_MS)  # agreement matrix
        assert model_calls(page) == calls
        with page.expect_download(timeout=TIMEOUT_MS) as download:
            page.get_by_role("button", name="Download the grid (PNG)").click()
        sheet = Image.open(download.value.path())
        assert sheet.format == "PNG" and sheet.width > 2 * 360
        assert model_calls(page) == calls
        page.set_viewport_size({"width": 1400, "height": 2200})
        page.screenshot(path=str(artifacts / "browser_image_grid.png"), full_page=True)
        assert page.locator('[data-testid="stException"]').count() == 0


def test_a_broken_upload_gets_a_message_and_the_page_keeps_working(url, sample_files, artifacts):
    with chromium_page() as page:
        page.goto(url)
        page.get_by_text("Why this image?").wait_for(timeout=TIMEOUT_MS)
        image_upload(page).set_input_files(str(sample_files["not_image"]))
        page.get_by_text("Could not read this image").wait_for(timeout=TIMEOUT_MS)
        page.screenshot(path=str(artifacts / "browser_bad_upload.png"), full_page=True)
        assert page.locator('[data-testid="stException"]').count() == 0
        image_upload(page).set_input_files(str(sample_files["chelsea"]))
        page.locator(f"{GRID} figcaption", has_text="Egyptian cat").first.wait_for(timeout=TIMEOUT_MS)

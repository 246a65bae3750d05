"""Deep links in a real Chromium: a fresh server whose first request is /text shows the text
page inside the app's navigation (page titles in the sidebar, wide layout), not Streamlit's
legacy pages-directory mode (file names, narrow layout)."""
from __future__ import annotations

import pytest

from tests.browser import chromium_page, dashboard
from navigation import page_specs

pytestmark = pytest.mark.browser
TIMEOUT_MS = 240_000


def test_a_deep_link_as_first_request_gets_the_app_s_navigation(artifacts):
    titles = [spec.title for spec in page_specs()]
    with dashboard() as url, chromium_page() as page:
        page.goto(f"{url}/text")
        page.get_by_text("Why this sentence?").wait_for(timeout=TIMEOUT_MS)
        links = page.locator('[data-testid="stSidebarNav"] [data-testid="stSidebarNavLink"]')
        page.wait_for_function(
            "n => document.querySelectorAll('[data-testid=\"stSidebarNavLink\"]').length === n",
            arg=len(titles), timeout=TIMEOUT_MS)
        page.screenshot(path=str(artifacts / "browser_deep_link_text.png"))
        shown = [t.strip().splitlines()[-1] for t in links.all_inner_texts()]  # after the icon
        assert shown == titles
        width = page.locator('[data-testid="stMainBlockContainer"]').bounding_box()["width"]
        assert width > 900, width  # wide layout; the legacy centred one is at most 736 px
        assert page.url.endswith("/text")

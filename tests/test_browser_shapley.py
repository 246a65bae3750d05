"""The Shapley lesson in a real Chromium, as the first request on a fresh server."""
from __future__ import annotations

import pytest

from tests.browser import chromium_page, dashboard
from tests.offline import assert_local, recorded_requests

TIMEOUT_MS = 300_000
pytestmark = pytest.mark.browser
PLOT = ("() => [...document.querySelectorAll('.js-plotly-plot')]"
        ".find(g => g.layout && g.layout.meta === '{meta}')")


def set_slider(page, label: str, right_steps: int) -> None:
    """Move a Streamlit slider to its minimum, then ``right_steps`` notches up."""
    page.locator(f'input[type="range"][aria-label="{label}"]').focus()
    page.keyboard.press("Home")
    for _ in range(right_steps):
        page.keyboard.press("ArrowRight")


def test_shapley_lesson_first_request(artifacts):
    with dashboard() as url, chromium_page() as page, recorded_requests(page) as log:
        page.goto(f"{url}/shapley")
        page.get_by_text("Shapley values: exact, sampled, and learned").wait_for(
            timeout=TIMEOUT_MS)
        set_slider(page, "Regions (n)", 2)  # 4, 6, 8: 256 coalitions
        set_slider(page, "Evaluations per estimator", 1)  # 128
        page.get_by_text("exact Shapley needs 2^8 = 256 model evaluations").wait_for(
            timeout=TIMEOUT_MS)
        page.get_by_role("button", name="Run the lesson").click()
        page.get_by_text("Exact: 256 coalitions in").wait_for(timeout=TIMEOUT_MS)
        for meta in ("xai-shapley", "xai-shapley-values"):
            page.wait_for_function(f"() => {{ const g = ({PLOT.format(meta=meta)})();"
                                   " return g && g.data && g.data.length > 0; }",
                                   timeout=TIMEOUT_MS)
        names = page.evaluate(f"() => ({PLOT.format(meta='xai-shapley')})().data.map(t => t.name)")
        assert set(names) == {"KernelSHAP", "Permutation sampling",
                              "Partition (pixels, pooled)", "Learned (FastSHAP)"}
        page.screenshot(path=str(artifacts / "browser_shapley.png"), full_page=True)
        assert page.locator('[data-testid="stException"]').count() == 0
        assert_local(log)

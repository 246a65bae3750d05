"""Issue 27: adding a slow method never blanks the image page's grid. On a fresh server
whose first request is the page, the default trio is drawn; Score-CAM (1,281 model
evaluations) is added; while it runs, the three finished panels stay on screen beside a
placeholder, and every colour legend sits under the panel it describes."""
from __future__ import annotations

import pytest

from bench.first_heatmap import add_methods, wait_for_grid
from tests.browser import chromium_page, dashboard
from tests.offline import assert_local, recorded_requests

pytestmark = [pytest.mark.browser, pytest.mark.slow]
TIMEOUT_MS = 600_000

# Every change of the page: the grid's finished panels and placeholders, or its absence.
WATCH = """
window.__states = [];
new MutationObserver(() => {
  const g = document.querySelector('[data-model-calls]');
  const state = g ? {panels: g.querySelectorAll('figure.panel').length,
                     pending: g.querySelectorAll('.panel-pending').length}
                  : {panels: 0, pending: 0};
  const last = window.__states[window.__states.length - 1];
  if (!last || last.panels !== state.panels || last.pending !== state.pending)
    window.__states.push(state);
}).observe(document, {subtree: true, childList: true, attributes: true});
"""


def test_panels_stay_while_score_cam_runs(artifacts):
    with dashboard() as url, chromium_page() as page, recorded_requests(page) as log:
        page.add_init_script(WATCH)
        page.goto(url)
        wait_for_grid(page, "Egyptian cat", complete=True)
        page.evaluate("() => { window.__states = []; }")
        add_methods(page, ("Score-CAM",))
        page.wait_for_function("() => document.querySelectorAll("
                               "'[data-model-calls] .panel-pending').length === 1",
                               timeout=TIMEOUT_MS)
        page.screenshot(path=str(artifacts / "grid_while_score_cam_runs.png"))
        assert page.locator("[data-model-calls] figure.panel").count() == 3
        wait_for_grid(page, "Score-CAM", complete=True)
        states = page.evaluate("window.__states")
        assert states and all(s["panels"] >= 3 for s in states), states  # never blank
        assert {"panels": 3, "pending": 1} in states
        legends = page.locator("[data-model-calls] figure .panel-colorbar")
        assert legends.count() == page.locator("[data-model-calls] figure.panel").count() == 4
        assert page.locator('[data-testid="stException"]').count() == 0
        assert_local(log)

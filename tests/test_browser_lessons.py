"""The two lessons in a real Chromium: each page is the first request on a fresh server."""
from __future__ import annotations

import pytest

from tests.browser import chromium_page, dashboard, fill_and_run
from tests.offline import assert_local, recorded_requests

TIMEOUT_MS = 300_000
pytestmark = pytest.mark.browser


def lowest(page, label: str) -> None:
    """Move a Streamlit slider to its minimum with the keyboard."""
    page.locator(f'input[type="range"][aria-label="{label}"]').focus()
    page.keyboard.press("Home")


def test_concepts_lesson(artifacts):
    with dashboard() as url, chromium_page() as page, recorded_requests(page) as log:
        page.goto(f"{url}/concepts")
        page.get_by_text("Does the model use this concept for this class?").wait_for(
            timeout=TIMEOUT_MS)
        lowest(page, "Images per set")
        page.wait_for_timeout(1000)
        page.get_by_role("button", name="Run TCAV").click()
        page.get_by_text("Concepts for “Egyptian cat” at 1.features.14").wait_for(
            timeout=TIMEOUT_MS)
        page.wait_for_function("() => [...document.querySelectorAll('.js-plotly-plot')]"
                               ".some(g => g.layout && g.layout.meta === 'xai-tcav')",
                               timeout=TIMEOUT_MS)
        bars = page.evaluate("() => [...document.querySelectorAll('.js-plotly-plot')]"
                             ".find(g => g.layout.meta === 'xai-tcav').data[0].x")
        assert bars == ["striped", "dotted", "red"]
        page.get_by_text("10 runs · 10 images per set · random pool 20 · linear fits").wait_for(
            timeout=TIMEOUT_MS)
        page.wait_for_function("() => document.querySelectorAll('[data-testid=\"stImage\"] img')"
                               ".length >= 6", timeout=TIMEOUT_MS)  # most/least aligned images
        page.screenshot(path=str(artifacts / "browser_concepts.png"), full_page=True)
        page.locator(".js-plotly-plot").first.scroll_into_view_if_needed()
        page.screenshot(path=str(artifacts / "browser_concepts_chart.png"))
        two_layers_relative(page)
        page.locator(".js-plotly-plot").first.scroll_into_view_if_needed()
        page.screenshot(path=str(artifacts / "browser_concepts_layers.png"))
        assert page.locator('[data-testid="stException"]').count() == 0
        assert_local(log)


def two_layers_relative(page) -> None:
    """Add a second layer and compare with "dotted": two panels, bars named "X vs dotted"."""
    page.get_by_role("combobox", name="Layers (one panel each)").click()
    page.keyboard.type("1.features.10")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    page.get_by_role("combobox", name="Against").click()
    page.get_by_role("option", name="dotted", exact=True).click()
    page.wait_for_timeout(1000)
    page.get_by_role("button", name="Run TCAV").click()
    page.get_by_text("at 1.features.14, 1.features.10, relative to “dotted”").wait_for(
        timeout=TIMEOUT_MS)
    names = page.wait_for_function(
        "() => { const g = [...document.querySelectorAll('.js-plotly-plot')]"
        ".find(g => g.layout && g.layout.meta === 'xai-tcav');"
        " return g && g.data.length === 2 && g.data.map(t => t.x.join('|')); }",
        timeout=TIMEOUT_MS).json_value()
    assert names == ["striped vs dotted|red vs dotted"] * 2


def test_fragility_lesson(artifacts):
    with dashboard() as url, chromium_page() as page, recorded_requests(page) as log:
        page.goto(f"{url}/fragility")
        page.get_by_text("Can a tiny change move the map?").wait_for(timeout=TIMEOUT_MS)
        page.get_by_role("combobox", name="Method").click()
        page.get_by_role("option", name="Grad-CAM", exact=True).click()
        lowest(page, "Steps")
        page.wait_for_timeout(1000)
        page.get_by_role("button", name="Attack the map").click()
        page.get_by_text("Top-k intersection").wait_for(timeout=TIMEOUT_MS)
        page.get_by_text("Defences on the same pair").wait_for(timeout=TIMEOUT_MS)
        metrics = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
        assert metrics[0] == metrics[1] == "Egyptian cat"
        page.wait_for_function("() => document.querySelectorAll('[data-testid=\"stImage\"] img')"
                               ".length >= 9", timeout=TIMEOUT_MS)  # pair, diff, maps, defences
        page.screenshot(path=str(artifacts / "browser_fragility.png"), full_page=True)
        page.locator('[data-testid="stImage"]').first.scroll_into_view_if_needed()
        page.screenshot(path=str(artifacts / "browser_fragility_maps.png"))
        page.get_by_text("Defences on the same pair").scroll_into_view_if_needed()
        page.screenshot(path=str(artifacts / "browser_fragility_defences.png"))
        assert page.locator('[data-testid="stException"]').count() == 0
        assert_local(log)


BOX_SELECT_ALL = """() => {
  const gd = [...document.querySelectorAll('.js-plotly-plot')]
    .find(g => g.layout && g.layout.meta === 'xai-projection');
  gd.scrollIntoView({block: 'center'});
  const fl = gd._fullLayout, box = gd.getBoundingClientRect();
  return [box.left + fl.xaxis._offset + 2, box.top + fl.yaxis._offset + 2,
          box.left + fl.xaxis._offset + fl.xaxis._length - 2,
          box.top + fl.yaxis._offset + fl.yaxis._length - 2, fl.dragmode];
}"""


def test_projection_box_selection_becomes_a_concept(artifacts):
    """Box-select every point of a small projection, save them as a concept, open Concepts."""
    with dashboard() as url, chromium_page() as page, recorded_requests(page) as log:
        page.goto(f"{url}/projection")
        page.get_by_text("How does this layer organise the data?").wait_for(timeout=TIMEOUT_MS)
        fill_and_run(page, "Items", 20, "Project", "20 items · layer", TIMEOUT_MS)
        page.wait_for_function("() => [...document.querySelectorAll('.js-plotly-plot')]"
                               ".some(g => g.layout && g.layout.meta === 'xai-projection')",
                               timeout=TIMEOUT_MS)
        left, top, right, bottom, dragmode = page.evaluate(BOX_SELECT_ALL)
        if dragmode != "select":
            page.locator('.modebar-btn[data-title="Box Select"]').first.click()
        page.mouse.move(left, top)
        page.mouse.down()
        page.mouse.move((left + right) / 2, (top + bottom) / 2, steps=5)
        page.mouse.move(right, bottom, steps=5)
        page.mouse.up()
        page.get_by_text("20 item(s) chosen").wait_for(timeout=TIMEOUT_MS)
        page.get_by_label("Concept name").fill("shapes")
        page.get_by_label("Concept name").press("Enter")
        page.get_by_role("button", name="Save as a concept").click()
        page.get_by_text("Saved “shapes”: 20 images").wait_for(timeout=TIMEOUT_MS)
        page.screenshot(path=str(artifacts / "browser_projection_concept.png"))
        page.get_by_role("button", name="Use “shapes” on the Concepts page").click()
        page.get_by_text("Does the model use this concept for this class?").wait_for(
            timeout=TIMEOUT_MS)
        page.get_by_text("shapes (picked)").first.wait_for(timeout=TIMEOUT_MS)
        page.screenshot(path=str(artifacts / "browser_concepts_picked.png"))
        assert page.locator('[data-testid="stException"]').count() == 0
        assert_local(log)

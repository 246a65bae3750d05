"""The text page in a real Chromium: three methods as three coloured rows, and an injection
battery where nothing from the sentence runs or fetches anything."""
from __future__ import annotations

import pytest

from tests.browser import chromium_page, dashboard

pytestmark = pytest.mark.browser  # drives Chromium against a served dashboard

TIMEOUT_MS = 240_000
PICKS = ["Gradient × input (embeddings)", "Saliency (gradient norm)", "Occlusion (leave one out)"]
INJECTION = ('nice <script>window.__pwned = 1</script> <img src="http://127.0.0.1:9/img.png" '
             'onerror="window.__pwned = 2"> ![pixel](http://127.0.0.1:9/md.png) '
             '[click me](javascript:window.__pwned=3) day')


@pytest.fixture(scope="module")
def url():
    with dashboard() as address:
        yield address


def type_sentence(page, text: str) -> None:
    box = page.locator("textarea").first
    box.wait_for(timeout=TIMEOUT_MS)
    box.fill(text)
    box.press("Control+Enter")


def pick_methods(page, titles: list[str]) -> None:
    """Empty the methods picker, then choose ``titles`` one by one."""
    picker = page.locator('[data-testid="stMultiSelect"]').first
    picker.get_by_role("button", name="Clear all").click()
    for title in titles:
        picker.locator("input").click()
        page.get_by_role("option", name=title).click()
    page.keyboard.press("Escape")


def test_type_a_sentence_pick_three_methods_and_see_three_coloured_rows(url, artifacts):
    with chromium_page() as page:
        page.goto(f"{url}/text")
        type_sentence(page, "What a wonderful, happy surprise party")
        page.locator(".token-table").wait_for(timeout=TIMEOUT_MS)
        pick_methods(page, PICKS)
        rows = page.locator(".token-table tr.method-row")
        page.wait_for_function(
            "titles => { const rows = [...document.querySelectorAll('.token-table tr.method-row')];"
            " return rows.length === 3 && titles.every((t, i) => rows[i].innerText.startsWith(t)); }",
            arg=PICKS, timeout=TIMEOUT_MS)
        page.screenshot(path=str(artifacts / "browser_text_rows.png"), full_page=True)
        assert rows.count() == 3
        for i in range(3):
            colours = rows.nth(i).locator("td.token-cell").evaluate_all(
                "cells => cells.map(c => getComputedStyle(c).backgroundColor)")
            assert len(colours) >= 6 and len(set(colours)) >= 3  # coloured by score, not flat
        assert "wonderful" in rows.nth(0).inner_text()


def test_injection_battery_runs_and_fetches_nothing(url, artifacts):
    with chromium_page() as page:
        requests, dialogs = [], []
        page.on("request", lambda r: requests.append(r.url))
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(f"{url}/text")
        type_sentence(page, INJECTION)
        page.locator(".token-table td.token-cell", has_text="onerror").first.wait_for(
            timeout=TIMEOUT_MS)
        page.wait_for_timeout(1500)
        page.screenshot(path=str(artifacts / "browser_text_injection.png"), full_page=True)
        assert page.evaluate("window.__pwned") is None and not dialogs
        assert not [u for u in requests if "127.0.0.1:9/" in u]
        assert page.locator('a[href^="javascript"]').count() == 0
        assert page.locator('img[src*="127.0.0.1:9"], img[onerror]').count() == 0
        assert page.locator(".token-table script, .token-table img").count() == 0

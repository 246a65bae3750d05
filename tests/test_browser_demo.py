"""Issue 12 in a real Chromium, each on a fresh server whose first request is the page:
the first heatmap at once, maps large enough to read, exports that stand alone, and no
request leaving 127.0.0.1."""
from __future__ import annotations

import csv
import io
import json

import pytest
from PIL import Image

from bench.first_heatmap import measure, wait_for_grid
from tests.browser import chromium_page, dashboard
from tests.offline import assert_local, page_asset_urls, recorded_requests

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_first_heatmap_arrives_before_the_slow_maps_and_nothing_leaves(tmp_path, artifacts):
    with dashboard() as url, chromium_page() as page, recorded_requests(page) as log:
        timeline = measure(url, page, tmp_path)
        page.screenshot(path=str(artifacts / "demo_image_grid.png"), full_page=True)
        assert_local(log)
        assert all(u.startswith(url) or u.startswith("data:") for u in page_asset_urls(page))
    print("first heatmap timeline", timeline)
    assert timeline["pending_at_first_draw"] > 0  # drawn before the slow maps existed
    assert timeline["panels_at_first_draw"] < timeline["panels"] == 4
    # Speed is the benchmark's job (`cli.py bench --only first_heatmap`, target 0.5 s): a
    # clock bound here would fail on a busy machine. This catches a first map that waits for
    # the slow ones (21 s of Score-CAM before a 0.19 s Grad-CAM, as the issue saw).
    assert timeline["first_heatmap_seconds"] < 0.25 * timeline["all_maps_seconds"]


TAGS_FIT = """() => [...document.querySelectorAll('.stMultiSelect [data-tag] > span')]
  .map(s => ({text: s.textContent, fits: s.scrollWidth <= s.clientWidth + 1,
              inside: (() => { const c = s.closest('[data-testid=stMultiSelectTagsContainer]')
                                 .getBoundingClientRect(), r = s.getBoundingClientRect();
                               return r.left >= c.left - 1 && r.right <= c.right + 1; })()}))"""
IMAGE_WIDTHS = """() => [...document.querySelectorAll('[data-model-calls] figure img')]
  .map(i => i.getBoundingClientRect().width)"""


def download(page, name: str) -> bytes:
    with page.expect_download(timeout=120_000) as event:
        page.get_by_role("button", name=name).click()
    return open(event.value.path(), "rb").read()


def test_maps_are_readable_exports_stand_alone_and_every_page_stays_local(artifacts):
    with dashboard() as url, chromium_page() as page, recorded_requests(page) as log:
        page.goto(url)
        wait_for_grid(page, "Egyptian cat", complete=True)
        assert min(page.evaluate(IMAGE_WIDTHS)) >= 400  # was about 150 px with three methods
        bars = page.locator("[data-model-calls] figure .panel-colorbar")  # one under each map
        assert [b.get_attribute("data-signed") for b in bars.all()] == ["0", "1", "0"]
        assert "for the class" in bars.nth(1).inner_text()  # Integrated Gradients: signed
        assert "high importance" in bars.nth(0).inner_text()  # Grad-CAM: unsigned
        tags = page.evaluate(TAGS_FIT)
        assert {"Grad-CAM", "Integrated Gradients", "Saliency (gradient)"} <= {t["text"] for t in tags}
        assert all(t["fits"] and t["inside"] for t in tags), tags
        page.set_viewport_size({"width": 1400, "height": 2600})
        # the agreement matrix (the second Plotly chart, after the predictions) is drawn after
        # the panels: wait until it has painted, or the picture shows a blank "Do the methods
        # agree?" (it did)
        page.get_by_text("Spearman rank correlation of |map|").wait_for(timeout=120_000)
        page.wait_for_function("() => document.querySelectorAll('.stPlotlyChart .main-svg')"
                               ".length >= 2", timeout=120_000)
        page.screenshot(path=str(artifacts / "demo_readable_grid.png"), full_page=True)
        page.set_viewport_size({"width": 1400, "height": 1100})
        first = page.locator("[data-model-calls] details.zoom summary").first
        first.click()
        page.wait_for_function("() => document.querySelector('[data-model-calls] details.zoom')"
                               ".open", timeout=30_000)
        big = page.locator("[data-model-calls] details.zoom[open] img").first.bounding_box()
        assert big["width"] >= 500  # enlarged
        page.screenshot(path=str(artifacts / "demo_enlarged_panel.png"))
        page.locator("[data-model-calls] details.zoom[open] summary").click(position={"x": 5, "y": 5})
        assert page.locator("[data-model-calls] details.zoom[open]").count() == 0
        page.get_by_text("What do these words mean?").click()
        page.get_by_text("Completeness gap.").wait_for(timeout=30_000)
        check_exports(page, artifacts)
        for title in ("Text", "Activation maximisation", "Layer projection", "Image"):
            page.get_by_role("link", name=title).click()
            page.wait_for_load_state("networkidle")
        favicons = page.evaluate("() => [...document.querySelectorAll('link[rel*=icon]')]"
                                 ".map(l => l.href)")
        assert favicons and all(f.startswith(url) for f in favicons), favicons
        assert page.request.get(favicons[0]).headers["content-type"].startswith("image/")
        assert all(u.startswith(url) or u.startswith("data:") for u in page_asset_urls(page))
        assert_local(log)
        assert page.locator('[data-testid="stException"]').count() == 0


def check_exports(page, artifacts) -> None:
    """PNG with a header and colour bars; CSV and JSON with one row per panel."""
    png = download(page, "Download the grid (PNG)")
    (artifacts / "demo_export.png").write_bytes(png)
    sheet = Image.open(io.BytesIO(png))
    assert sheet.format == "PNG" and sheet.width >= 2 * 360
    rows = list(csv.DictReader(io.StringIO(download(page, "Scores (CSV)").decode())))
    assert [r["method"] for r in rows] == ["gradcam", "integrated_gradients", "saliency"]
    assert all(float(r["road_morf_auc"]) >= 0 and float(r["road_lerf_auc"]) >= 0
               and r["road_verdict"] in ("beats random", "cannot tell", "worse than random")
               and int(r["model_evaluations"]) >= 1 for r in rows)  # ROAD: the default metric
    assert rows[0]["class_label"] == "Egyptian cat" and "layer=1.features.18" in rows[0]["parameters"]
    report = json.loads(download(page, "Scores (JSON)"))
    assert report["about"]["model"] == "mobilenet_v2" and report["about"]["input"] == "chelsea"
    assert len(report["panels"]) == 3 and report["panels"][1]["completeness_gap"] is not None

"""Issue 12's figures are in ``cli.py bench --json``: first heatmap, cold load, Grad-CAM
against captum's LayerGradCam."""
from __future__ import annotations

import json

import pytest

from bench.gradcam_vs_captum import gradcam_rows
from tests.test_cli import cli


@pytest.mark.browser
@pytest.mark.slow
def test_bench_reports_the_first_heatmap_and_the_cold_load():
    run = cli("bench", "--quick", "--json", "--only", "first_heatmap", "load_cold")
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    first = report["first_heatmap"]
    assert 0 < first["first_heatmap_seconds"] <= first["all_scores_seconds"]
    assert first["target_seconds"] == 0.5 and isinstance(first["target_met"], bool)
    cold = report["load_cold"]
    assert cold["address"] == "127.0.0.1" and cold["concurrent"]["page_errors"] == 0
    assert cold["single"]["explanations_per_second"] > 0
    assert cold["concurrent"]["interactions"] == 2 and cold["throughput_over_single"] > 0
    assert len(cold["load_average_before"]) == 3


def test_gradcam_rows_compare_with_captum_layergradcam(zoo, chelsea):
    model = zoo("mobilenet_v2")
    rows = gradcam_rows(model, model.preprocess(chelsea)[0], 1, 0.01)
    assert all(r["library"].startswith("captum LayerGradCam") for r in rows)
    assert all(r["seconds"] > 0 and r["speedup_vs_library"] > 0 for r in rows)

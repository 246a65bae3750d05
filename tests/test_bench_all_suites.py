"""Every benchmark suite in quick mode but those another test runs alone: floors, ratios and
the library comparisons in one JSON (its own file, so the two test workers share it out)."""
from __future__ import annotations

import json

from tests.test_cli import cli


def test_bench_reports_floors_ratios_and_libraries():
    # Every suite in quick mode but those another test runs on its own (a browser and a Ray
    # cluster start too); the timeout only guards against a hang.
    from bench import suite_names

    tested_alone = {"actmax", "projection", "audit", "first_heatmap", "load_cold", "tcav",
                    "attack", "sidebyside"}
    assert tested_alone <= set(suite_names())
    run = cli("bench", "--quick", "--json", "--only",
              *[s for s in suite_names() if s not in tested_alone], timeout=1800)
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert report["floors"]["mobilenet_v2_224"]["forward_backward"] > 0
    assert report["floors"]["minilm_sentiment_32_tokens"]["tokens"] == 32
    rows: dict[str, dict] = {}  # the first suite's row per method: the library comparison
    for r in report["methods"]:
        rows.setdefault(r["method"].split(" ")[0], r)
    assert {"gradcam", "saliency", "integrated_gradients", "integrated_gradients_text",
            "attention"} <= rows.keys()
    for name, r in rows.items():
        assert r["ratio_to_floor"] > 0 and r["model_evals"] >= 1, name
    assert rows["gradcam"]["library"].startswith("pytorch-grad-cam")
    assert {"gradcam_pp", "layercam", "eigencam", "scorecam", "smoothgrad", "grad_x_input",
            "guided_backprop", "guided_gradcam", "lrp_epsilon", "lrp_zplus"} <= rows.keys()
    assert rows["integrated_gradients"]["library"].startswith("captum")
    assert {"occlusion", "lime", "shap", "rise"} <= rows.keys()
    assert rows["occlusion"]["library"].startswith("captum") and "library" not in rows["rise"]
    assert rows["lime"]["library"].startswith("lime") and rows["shap"]["library"].startswith("shap")
    load = report["load"]
    assert load["address"] == "127.0.0.1" and load["concurrent"]["sessions"] == 2
    assert load["single"]["p50_seconds"] > 0 and load["concurrent"]["page_errors"] == 0
    assert report["memory"]["explanations"] >= 6 and report["memory"]["rss_after_warmup_mb"] > 0

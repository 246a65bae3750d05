"""The command line as engineers and the done-when checks use it."""
from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow  # a Python process per command, the benchmark included


def cli(*args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), *args], capture_output=True,
                          text=True, timeout=timeout)


@pytest.mark.parametrize("method", ["gradcam", "saliency", "integrated_gradients"])
def test_explain_image_json(method, sample_files, tmp_path):
    out, scores = tmp_path / "overlay.png", tmp_path / "scores.npy"
    run = cli("explain", "--model", "mobilenet_v2", "--method", method, "--input",
              str(sample_files["chelsea"]), "--json", "--out", str(out), "--save-scores",
              str(scores))
    assert run.returncode == 0, run.stderr
    payload = json.loads(run.stdout)
    assert payload["shape"] == [300, 451]
    assert 281 <= payload["target"] <= 285 and "cat" in payload["label"]
    assert {"model", "method", "probability", "seconds"} <= payload.keys()
    assert ("delta" in payload) == (method == "integrated_gradients")
    assert np.load(scores).shape == (300, 451)
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("method", ["attention", "integrated_gradients_text"])
def test_explain_text_json(method):
    run = cli("explain", "--model", "minilm_sentiment", "--method", method, "--text",
              "I love this wonderful day", "--json")
    assert run.returncode == 0, run.stderr
    payload = json.loads(run.stdout)
    assert payload["label"] == "positive"
    assert payload["shape"] == [len(payload["tokens"])]
    assert ("delta" in payload) == (method == "integrated_gradients_text")


def test_listing_and_predict(sample_files):
    models = json.loads(cli("models", "--json").stdout)
    assert {"mobilenet_v2", "minilm_sentiment"} <= {m["name"] for m in models}
    methods = json.loads(cli("methods", "--json").stdout)
    assert {"gradcam", "saliency", "integrated_gradients", "attention"} <= {m["name"] for m in methods}
    top = json.loads(cli("predict", "--model", "mobilenet_v2", "--input",
                         str(sample_files["coffee"]), "--top", "3", "--json").stdout)["top"]
    assert len(top) == 3 and top[0]["label"] == "espresso"


@pytest.mark.parametrize("args, message", [
    (["--model", "nope", "--method", "gradcam", "--input", "{chelsea}"], "unknown model"),
    (["--model", "mobilenet_v2", "--method", "nope", "--input", "{chelsea}"], "unknown method"),
    (["--model", "mobilenet_v2", "--method", "gradcam", "--input", "/no/such.png"], "no such file"),
    (["--model", "mobilenet_v2", "--method", "gradcam", "--input", "{not_image}"], "not an image"),
    (["--model", "mobilenet_v2", "--method", "gradcam", "--input", "{truncated}"], "damaged"),
    (["--model", "mobilenet_v2", "--method", "attention", "--input", "{chelsea}"], "does not fit"),
    (["--model", "minilm_sentiment", "--method", "gradcam", "--text", "hi"], "does not fit"),
    (["--model", "minilm_sentiment", "--method", "attention", "--text", "   "], "empty"),
    (["--model", "mobilenet_v2", "--method", "gradcam", "--text", "hi"], "reads images"),
    (["--model", "mobilenet_v2", "--method", "gradcam", "--input", "{chelsea}", "--target",
      "1000"], "outside"),
])
def test_bad_input_is_one_clear_line(args, message, sample_files):
    args = [a.format(**{k: str(v) for k, v in sample_files.items()}) for a in args]
    run = cli("explain", *args)
    assert run.returncode == 2
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:") and message in lines[0]
    assert "Traceback" not in run.stderr


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


def test_explain_metrics_adds_deletion_and_insertion_areas(sample_files):
    run = cli("explain", "--model", "mobilenet_v2", "--method", "gradcam", "--input",
              str(sample_files["chelsea"]), "--json", "--metrics")
    assert run.returncode == 0, run.stderr
    payload = json.loads(run.stdout)
    keys = ["deletion_auc", "insertion_auc", "random_deletion_auc", "random_insertion_auc"]
    assert all(0 <= payload[k] <= 1 for k in keys)
    assert payload["deletion_auc"] < payload["random_deletion_auc"]
    assert payload["insertion_auc"] > payload["random_insertion_auc"]
    # ROAD (Rong et al. 2022): Grad-CAM's order beats its reverse by more than random maps'
    # (its MoRF area alone may sit above theirs: scattered removal destroys more at 90 %)
    assert payload["road_gap"] == pytest.approx(payload["road_lerf_auc"] - payload["road_morf_auc"],
                                                abs=1e-5)
    assert payload["road_gap"] > 0.1 and payload["random_road_gap"] == pytest.approx(0.0)
    assert payload["random_road_gap_spread"] > 0 and payload["random_region_gap_spread"] > 0
    # two families, each against the map's own matched random maps; words need both to agree
    assert payload["random_maps"].startswith("matched: 4 surrogates")
    assert payload["region_gap"] > 0.1 and payload["random_region_gap"] == pytest.approx(0.0)
    road, region = payload["road_verdict"], payload["region_verdict"]
    assert payload["faithfulness_verdict"] == (road if road == region else "families disagree")
    assert payload["road_morf_curve"][0] == pytest.approx(1.0, abs=1e-4)  # normalised by the start
    assert "morf_auc" not in payload and "random_morf_auc" not in payload  # one ROAD schema


def test_sanity_reports_rank_correlation_per_layer(sample_files):
    run = cli("sanity", "--model", "mobilenet_v2", "--method", "gradcam", "--input",
              str(sample_files["chelsea"]), "--max-steps", "2", "--json")
    assert run.returncode == 0, run.stderr
    payload = json.loads(run.stdout)
    assert [s["layer"] for s in payload["steps"]] == ["1.classifier", "1.features.18"]
    assert all(-1 <= s["spearman"] <= 1 for s in payload["steps"])
    assert payload["final_spearman"] == payload["steps"][-1]["spearman"]
    assert payload["insensitive"] is False and payload["threshold"] == 0.5
    # the verdict from the whole curve (issue 11): never "insensitive" for Grad-CAM here
    assert payload["verdict"] in {"depends on the model", "vanishes", "constant"}
    assert payload["verdict_text"] and -1 <= payload["early_mean_spearman"] <= 1


@pytest.mark.parametrize("args, message", [
    (["sanity", "--model", "mobilenet_v2", "--method", "gradcam", "--input", "{not_image}"],
     "not an image"),
    (["sanity", "--model", "minilm_sentiment", "--method", "attention", "--input", "{chelsea}"],
     "image models"),
    (["sanity", "--model", "mobilenet_v2", "--method", "gradcam", "--input", "{chelsea}",
      "--max-steps", "0"], "max_steps"),
])
def test_metrics_and_sanity_bad_input_is_one_line(args, message, sample_files):
    run = cli(*[a.format(**{k: str(v) for k, v in sample_files.items()}) for a in args])
    assert run.returncode == 2
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:") and message in lines[0]


def test_explain_metrics_can_rank_a_signed_map_by_magnitude(sample_files):
    """--rank magnitude orders a signed map by |value|, as the page's Absolute values does."""
    common = ("explain", "--model", "mobilenet_v2", "--method", "grad_x_input", "--input",
              str(sample_files["chelsea"]), "--json", "--metrics")
    by_value, by_size = (json.loads(cli(*common, *extra).stdout)
                         for extra in ((), ("--rank", "magnitude")))
    assert (by_value["ranked_by"], by_size["ranked_by"]) == ("value", "magnitude")
    assert by_size["road_gap"] != pytest.approx(by_value["road_gap"], abs=1e-3)
    # each ranking is judged against matched random maps of its own (|map| is smoother)
    assert by_size["random_road_gap_spread"] > 0 and by_value["random_road_gap_spread"] > 0
    assert by_size["region_gap"] != pytest.approx(by_value["region_gap"], abs=1e-3)

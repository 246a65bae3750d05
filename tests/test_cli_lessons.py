"""``cli.py tcav`` and ``cli.py attack`` as a teacher or an engineer runs them."""
from __future__ import annotations

import io
import json
import zipfile

import numpy as np
import pytest
from PIL import Image

from tests.test_cli import cli


def test_tcav_json_on_mobilenet():
    run = cli("tcav", "--model", "mobilenet_v2", "--layer", "1.features.14", "--class", "285",
              "--concepts", "striped", "--count", "10", "--runs", "3", "--json")
    assert run.returncode == 0, run.stderr
    payload = json.loads(run.stdout)
    assert payload["label"] == "Egyptian cat" and payload["runs"] == 3
    layer = payload["layers"][0]
    assert layer["layer"] == "1.features.14" and len(layer["null_scores"]) == 3
    (striped,) = layer["concepts"]
    assert striped["concept"] == "striped" and 0 <= striped["tcav"] <= 1
    assert len(striped["scores"]) == 3 and 0 <= striped["p_value"] <= 1
    assert {"cav_accuracy", "significant", "separable", "verdict"} <= striped.keys()
    assert layer["other_runs_seconds"] < layer["seconds"]


def test_tcav_concept_with_too_few_images(tmp_path):
    archive = tmp_path / "concepts.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for i in range(3):
            png = io.BytesIO()
            Image.fromarray(np.full((20, 20, 3), 30 * i, np.uint8)).save(png, format="PNG")
            zf.writestr(f"shiny/{i}.png", png.getvalue())
    run = cli("tcav", "--model", "mobilenet_v2", "--layer", "1.features.14", "--class",
              "Egyptian cat", "--concepts-zip", str(archive), "--count", "10", "--runs", "2")
    assert run.returncode == 2
    assert "concept 'shiny' has 3 image(s); TCAV needs at least 10" in run.stderr
    assert "Traceback" not in run.stderr


def test_attack_json_and_png(sample_files, tmp_path):
    out = tmp_path / "attacked.png"
    run = cli("attack", "--model", "mobilenet_v2", "--method", "gradcam", "--input",
              str(sample_files["chelsea"]), "--epsilon", "8/255", "--steps", "3",
              "--no-defences", "--json", "--out", str(out))
    assert run.returncode == 0, run.stderr
    payload = json.loads(run.stdout)
    assert payload["label_before"] == payload["label_after"] == "Egyptian cat"
    assert payload["label_kept"] and payload["linf_255"] <= 8
    assert payload["epsilon"] == round(8 / 255, 6)
    for key in ("probability_before", "probability_after", "top_k_intersection", "spearman",
                "centre_of_mass_shift", "linf"):
        assert key in payload, key
    assert Image.open(out).size == (224, 224)


def test_attack_bad_arguments(sample_files):
    run = cli("attack", "--model", "mobilenet_v2", "--method", "gradcam", "--input",
              str(sample_files["chelsea"]), "--kind", "target", "--region", "0,0,0.5")
    assert run.returncode == 2 and "--region is top,left,bottom,right" in run.stderr
    run = cli("attack", "--model", "mobilenet_v2", "--method", "gradcam", "--input",
              str(sample_files["chelsea"]), "--epsilon", "8/0")
    assert run.returncode == 2 and "not a number or fraction" in run.stderr


@pytest.mark.slow
def test_lesson_bench_suites_report_their_floors():
    from bench import run_benchmarks

    report = run_benchmarks(quick=True, only=["tcav", "attack"])
    rows = {r["method"]: r for r in report["methods"]}
    tcav = next(r for name, r in rows.items() if name.startswith("tcav first run"))
    assert tcav["later_run_seconds"] > 0 and tcav["later_run_share_of_first"] > 0
    assert report["tcav"]["runs"] == 3 and report["floors"]["attack_step"] > 0
    assert {"attack step: saliency (top-k)", "attack step: gradcam (top-k)"} <= rows.keys()
    for r in rows.values():
        assert r["ratio_to_floor"] > 0 and r["model_evals"] >= 1


def test_tcav_relative_meadow_against_dunes(tmp_path):
    """``--relative``: meadow against dunes leans toward meadow for triangles on shortcut_cnn."""
    from inputs.shortcut_data import shortcut_dataset, to_uint8

    images, labels, _, _ = shortcut_dataset("neutral", 80, 0)
    archive = tmp_path / "triangles.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for i, rgb in enumerate(to_uint8(images[labels == 0])[:30]):
            png = io.BytesIO()
            Image.fromarray(rgb).save(png, format="PNG")
            zf.writestr(f"triangle/{i}.png", png.getvalue())
    run = cli("tcav", "--model", "shortcut_cnn", "--layer", "1.0.2", "--class", "triangle",
              "--images", str(archive), "--concepts", "meadow background", "--relative",
              "dunes background", "--count", "20", "--runs", "10", "--json")
    assert run.returncode == 0, run.stderr
    payload = json.loads(run.stdout)
    assert payload["against"] == "dunes background"
    (concept,) = payload["layers"][0]["concepts"]
    assert concept["concept"] == "meadow background vs dunes background"
    assert concept["significant"] and concept["tcav"] > 0.8, concept
    bad = cli("tcav", "--model", "shortcut_cnn", "--layer", "1.0.2", "--class", "triangle",
              "--images", str(archive), "--concepts", "striped", "--relative", "plaid")
    assert bad.returncode == 2 and "--relative 'plaid'" in bad.stderr

"""The issue-28 commands as the done-when checks use them."""
from __future__ import annotations

import json

import numpy as np
import pytest

from components.overlay import png_bytes
from inputs.mnist import bundled_digits, digit_rgb
from tests.test_cli import cli

pytestmark = pytest.mark.slow  # a Python process per command


@pytest.fixture(scope="module")
def digit_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("digits") / "seven.png"
    path.write_bytes(png_bytes(digit_rgb(bundled_digits()[0][0])))  # test digit #0, a 7
    return path


def test_models_lists_the_digit_model_with_its_accuracy():
    rows = json.loads(cli("models", "--json").stdout)
    digit = next(r for r in rows if r["name"] == "digit_cnn")
    assert "test accuracy 99." in digit["source"]


def test_explain_metrics_reports_continuity_for_a_digit(digit_file):
    run = cli("explain", "--model", "digit_cnn", "--method", "saliency", "--input",
              str(digit_file), "--metrics", "--json")
    assert run.returncode == 0, run.stderr
    payload = json.loads(run.stdout)
    assert payload["label"] == "7"
    continuity = payload["continuity"]
    assert len(continuity["steps"]) == 6 and continuity["worst_ratio"] > 0
    assert continuity["verdict"].split(":")[0] in ("continuous", "somewhat discontinuous",
                                                   "discontinuous")


def test_actmax_generator_prior_reaches_the_class(tmp_path):
    run = cli("actmax", "--model", "digit_cnn", "--class", "3", "--preset", "generator",
              "--steps", "48", "--out", str(tmp_path / "three.png"), "--json")
    assert run.returncode == 0, run.stderr
    payload = json.loads(run.stdout)
    assert payload["top_label"] == ["3"] and payload["target_probability"][0] > 0.9
    refused = cli("actmax", "--model", "shortcut_cnn", "--class", "0", "--preset", "generator")
    assert refused.returncode == 2 and "no generator ships" in refused.stderr


def test_linear_probe_reports_each_layer_with_an_interval():
    run = cli("linear-probe", "--model", "shortcut_cnn", "--dataset", "shortcut_biased",
              "--size", "60", "--seeds", "2", "--property", "background", "--layers",
              "1.0.3", "logits", "--json")
    assert run.returncode == 0, run.stderr
    (report,) = json.loads(run.stdout)
    assert [row["layer"] for row in report["layers"]] == ["1.0.3", "logits"]
    for row in report["layers"]:
        low, high = row["ci95"]
        assert 0 <= low <= row["accuracy"] <= high <= 1 and len(row["seeds"]) == 2
    assert 0.5 <= report["chance"] < 1
    bad = cli("linear-probe", "--model", "shortcut_cnn", "--dataset", "shortcut_biased",
              "--size", "20", "--property", "colour")
    assert bad.returncode == 2 and "no property 'colour'" in bad.stderr

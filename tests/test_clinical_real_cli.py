"""The command line on real scans and real models (issue 25): the out-of-distribution
warning and the overlay's localisation in explain's JSON and in the report, the models'
training domains in `models --json`, and an ONNX file given with --checkpoint."""
from __future__ import annotations

import json

import pytest

import cli as cli_module
from inputs.real_scans import REAL_SCANS, data_folder
from tests.onnx_files import tiny_cnn

MR = data_folder() / REAL_SCANS["Real: abdominal MR, lesion outlined (overlay)"]


@pytest.fixture
def cli(capsys):
    def call(*args: str) -> tuple[int, str, str]:
        code = cli_module.main(list(args))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return call


def test_models_json_lists_the_training_domains(cli):
    code, out, _ = cli("models", "--json")
    rows = {r["name"]: r for r in json.loads(out)}
    assert rows["brain_tumor_vgg16"]["trained_on"]["modalities"] == ["MR"]
    assert rows["xray_phantom_cnn"]["trained_on"]["body_parts"] == ["CHEST"]


def test_an_mr_through_the_chest_model_is_flagged_and_scored_against_its_overlay(cli):
    code, out, err = cli("explain", "--model", "xray_phantom_cnn", "--method", "gradcam",
                         "--input", str(MR), "--json")
    assert code == 0, err
    payload = json.loads(out)
    assert "This scan is MR" in payload["out_of_distribution"][0]
    assert payload["ground_truth"].startswith("overlay plane 6000")
    assert 0 <= payload["localisation"]["energy_pointing_game"] <= 1


def test_the_report_carries_the_warning_and_the_overlay(cli, tmp_path):
    import pypdf

    out = tmp_path / "mr.pdf"
    code, stdout, err = cli("report", "--model", "xray_phantom_cnn", "--methods", "gradcam",
                            "--input", str(MR), "--out", str(out))
    assert code == 0, err
    words = " ".join(" ".join(p.extract_text() for p in pypdf.PdfReader(out).pages).split())
    assert "Out of distribution: This scan is MR" in words and "Not a diagnostic device" in words
    assert "overlay plane 6000" in words and "Energy pointing game" in words
    assert "layer: the last convolutional block" in words
    assert len(pypdf.PdfReader(out).pages) == 1  # the first page is not left half empty


def test_an_onnx_checkpoint_is_explained_with_gradcam(cli, tmp_path):
    model = tmp_path / "tiny.onnx"
    model.write_bytes(tiny_cnn(size=32))
    labels = tmp_path / "labels.txt"
    labels.write_text("benign\nmalignant\n")
    code, out, err = cli("explain", "--checkpoint", str(model), "--labels", str(labels),
                         "--method", "gradcam", "--input", str(MR), "--json")
    assert code == 0, err
    payload = json.loads(out)
    assert payload["model"].startswith("onnx:") and "tiny" not in payload["model"]  # no name
    assert payload["label"] in ("benign", "malignant")
    assert payload["out_of_distribution"] == []  # a user model declares no domain


def test_a_file_that_is_not_onnx_gets_one_line(cli, tmp_path):
    bad = tmp_path / "model.onnx"
    bad.write_bytes(b"\x00\x01garbage" * 50)
    code, _, err = cli("explain", "--checkpoint", str(bad), "--method", "gradcam",
                       "--input", str(MR))
    assert code == 2 and "not an ONNX model" in err and len(err.strip().splitlines()) == 1

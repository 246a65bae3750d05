"""The clinical command line: explain a DICOM with a mask, the localisation benchmark, and a
case report whose text (pypdf) holds no patient identifier; the report is rendered with
pdftoppm into tests/artifacts to be looked at."""
from __future__ import annotations

import json
import shutil
import subprocess

import numpy as np
import pytest
from PIL import Image

from inputs.phantoms import phantom_case
from tests.conftest import ARTIFACTS
from tests.dicom_files import SECRET_STRINGS, bundled, identified_phantom
import cli as cli_module


class Run:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.returncode, self.stdout, self.stderr = code, out, err


@pytest.fixture
def cli(capsys):
    """cli.py in this process (a subprocess would import torch again for every call)."""

    def call(*args: str) -> Run:
        code = cli_module.main(list(args))
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return call

MODEL = "xray_phantom_cnn"


@pytest.fixture(scope="module")
def scan(tmp_path_factory):
    folder = tmp_path_factory.mktemp("clinical")
    (folder / "scan.dcm").write_bytes(identified_phantom())
    mask = phantom_case(2, 1).mask
    Image.fromarray((mask * 255).astype(np.uint8)).save(folder / "mask.png")
    (folder / "rtplan.dcm").write_bytes(bundled("rtplan.dcm"))
    return folder


def test_explain_dicom_with_mask_adds_localisation(scan, cli):
    run = cli("explain", "--model", MODEL, "--method", "gradcam", "--input",
              str(scan / "scan.dcm"), "--mask", str(scan / "mask.png"), "--json")
    assert run.returncode == 0, run.stderr
    payload = json.loads(run.stdout)
    scores = payload["localisation"]
    assert payload["label"] == "lesion" and payload["shape"] == [128, 128]
    assert set(scores) >= {"pointing_game", "energy_pointing_game", "relevance_mass",
                           "iou_otsu", "iou_top_k"}
    assert all(0 <= v <= 1 for k, v in scores.items() if k != "top_k_percent")
    assert scores["energy_pointing_game"] > 2 * phantom_case(2, 1).mask.mean()  # beats uniform
    for secret in SECRET_STRINGS:
        assert secret not in run.stdout + run.stderr


def test_dicom_without_pixels_is_one_line(scan, cli):
    run = cli("explain", "--model", MODEL, "--method", "gradcam", "--input",
              str(scan / "rtplan.dcm"), "--json")
    assert run.returncode == 2 and "no pixel data" in run.stderr
    assert "Traceback" not in run.stderr


def test_localise_json_has_intervals(cli):
    run = cli("localise", "--model", MODEL, "--dataset", "phantoms", "--cases", "6",
              "--methods", "gradcam,saliency", "--json")
    assert run.returncode == 0, run.stderr
    payload = json.loads(run.stdout)
    assert payload["cases"] == 6 and payload["label"] == "lesion"
    rows = {r["method"]: r for r in payload["methods"]}
    for row in rows.values():
        mean, low, high = row["energy_pointing_game"]
        assert low <= mean <= high and row["seconds_per_case"] > 0
    assert rows["gradcam"]["energy_pointing_game"][0] > 2 * payload["uniform_map_energy"]


def test_localise_refuses_unknown_dataset(cli):
    run = cli("localise", "--model", MODEL, "--dataset", "shapes")
    assert run.returncode == 2 and "masks are known" in run.stderr


def test_report_has_facts_and_no_identifier(scan, tmp_path, cli):
    import pypdf  # a test requirement: missing, the test fails rather than skips
    out = tmp_path / "case.pdf"
    run = cli("report", "--model", MODEL, "--methods", "gradcam,integrated_gradients",
              "--input", str(scan / "scan.dcm"), "--mask", str(scan / "mask.png"),
              "--out", str(out))
    assert run.returncode == 0, run.stderr
    data = out.read_bytes()
    text = "".join(page.extract_text() for page in pypdf.PdfReader(out).pages)
    words = " ".join(text.split())  # table cells wrap
    from explainers.metrics.schema import ROAD_MORF_AUC, label

    for fact in ("Weights SHA-256", "Input pixel SHA-256", "Grad-CAM", "Integrated Gradients",
                 label("pointing_game"), label(ROAD_MORF_AUC), "Faithfulness against random maps",
                 "random on this image",
                 "FULL: centre 2048", "lesion", "torch"):
        assert fact in words, fact
    for secret in SECRET_STRINGS:
        assert secret not in text and secret.encode() not in data
    assert "scan.dcm" not in text
    if shutil.which("pdftoppm"):
        ARTIFACTS.mkdir(exist_ok=True)
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "2", str(out),
                        str(ARTIFACTS / "clinical_report")], check=True, timeout=60)
        assert (ARTIFACTS / "clinical_report-1.png").stat().st_size > 10_000

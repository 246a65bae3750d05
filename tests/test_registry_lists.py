"""Registries drive every list: a method registered in one line (here, in the test) shows up
in ``cli.py methods --json``, the image page's method choices and the bench's method list,
with no other edit; it is removed again afterwards."""
from __future__ import annotations

import json

import pytest
import torch
from streamlit.testing.v1 import AppTest

from explainers.registry import MethodOutput, register_explainer
from model_zoo import load_model
from tests.conftest import ROOT

NAME, TITLE = "dummy_centre", "Dummy centre map (test only)"


def centre_map(model, x: torch.Tensor, target: int) -> MethodOutput:
    height, width = x.shape[-2:]
    scores = torch.zeros(height, width)
    scores[height // 4: 3 * height // 4, width // 4: 3 * width // 4] = 1
    return MethodOutput(scores, model_evals=0)


@pytest.fixture
def dummy_method():
    from explainers import registry

    register_explainer(NAME, title=TITLE, modality="image", signed=False,
                       summary="a fixed square, for the registry test")(centre_map)
    try:
        yield NAME
    finally:
        registry._ENTRIES.pop(NAME, None)


def test_the_cli_lists_a_new_method(dummy_method, capsys):
    import cli

    assert cli.main(["methods", "--json"]) == 0
    rows = {row["registered"]: row for row in json.loads(capsys.readouterr().out)}
    assert rows[NAME]["title"] == TITLE and rows[NAME]["modality"] == "image"


def test_the_image_page_offers_a_new_method(dummy_method):
    app = AppTest.from_file(str(ROOT / "pages" / "image.py"), default_timeout=300)
    app.session_state["image_methods"] = []  # list the choices, explain nothing
    app.run()
    assert not app.exception, app.exception
    assert TITLE in app.multiselect(key="image_methods").options


def test_the_bench_times_a_new_method(dummy_method):
    from bench.registered import bench_methods

    assert NAME in bench_methods(load_model("mobilenet_v2"))
    assert NAME not in bench_methods(load_model("minilm_sentiment"))  # only where it fits


def test_the_cli_explains_with_a_new_method(dummy_method, capsys, tmp_path):
    import cli
    from PIL import Image

    from inputs.samples import sample_image

    path = tmp_path / "chelsea.png"
    Image.fromarray(sample_image("chelsea")).save(path)
    assert cli.main(["explain", "--model", "mobilenet_v2", "--method", NAME, "--input",
                     str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["method"] == NAME


def test_the_method_is_gone_after_the_test():
    from explainers import explainer_entries

    assert NAME not in {e.name for e in explainer_entries()}

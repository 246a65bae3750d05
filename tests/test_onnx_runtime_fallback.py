"""ONNX graphs the torch converter refuses run on onnxruntime (issue 25): only the methods
registered ``forward_only`` fit, their maps equal the converted graph's on a graph both
paths take, gradient methods are refused with the reason, and the CLI says why."""
from __future__ import annotations

import json

import numpy as np
import pytest
import torch

import cli as cli_module
from explainers import IncompatibleError, compatible_methods, explain, explainer_entries
from model_zoo.digest import weights_sha256
from model_zoo.onnx_import import OnnxImportError, onnx_classifier
from tests.onnx_files import run_onnxruntime, tiny_cnn

MAXPOOL = tiny_cnn(pool="GlobalMaxPool", batch="N")  # onnx2torch 1.5 has no GlobalMaxPool


def classifier(data: bytes, runtime: str = "auto"):
    return onnx_classifier(data, ("a", "b"), name="onnx:tiny", source="test", runtime=runtime)


def test_an_unconvertible_graph_falls_back_and_says_why():
    model = classifier(MAXPOOL)
    assert "onnxruntime" in model.forward_only and "GlobalMaxPool" in model.forward_only
    fitting = {e.name for e in compatible_methods(model)}
    assert fitting == {e.name for e in explainer_entries("image") if e.forward_only}
    assert {"occlusion", "rise", "lime", "shap"} <= fitting and "gradcam" not in fitting
    x = torch.rand(4, 3, 16, 16, generator=torch.Generator().manual_seed(0))
    expected = run_onnxruntime(MAXPOOL, x.numpy())
    np.testing.assert_allclose(torch.softmax(model.logits(x), -1).numpy(), expected, atol=1e-5)


def test_gradient_methods_are_refused_with_the_reason():
    model = classifier(MAXPOOL)
    with pytest.raises(IncompatibleError, match="onnxruntime.*GlobalMaxPool.*perturbation"):
        explain(model, "gradcam", torch.rand(3, 16, 16))
    x = torch.rand(1, 3, 16, 16, requires_grad=True)
    with pytest.raises(RuntimeError, match="no gradients"):
        model.module(x)


def test_asking_for_torch_names_the_operator():
    with pytest.raises(OnnxImportError, match="GlobalMaxPool"):
        classifier(MAXPOOL, runtime="torch")


@pytest.mark.parametrize("method", ["occlusion", "rise", "lime", "shap"])
def test_onnxruntime_maps_equal_the_converted_graphs(method):
    """The same convertible graph both ways: the forced onnxruntime path gives the torch
    path's map (a fixed batch of 1 in the graph: onnxruntime is called chunk by chunk)."""
    data = tiny_cnn(size=16)
    ort, torch_model = classifier(data, "onnxruntime"), classifier(data, "torch")
    assert ort.forward_only and not torch_model.forward_only
    image = torch.rand(3, 16, 16, generator=torch.Generator().manual_seed(2))
    settings = dict(window=4, stride=4) if method == "occlusion" else {}
    got = explain(ort, method, image, target=1, **settings)
    want = explain(torch_model, method, image, target=1, **settings)
    np.testing.assert_allclose(got.scores, want.scores, atol=1e-4)
    assert got.model_evals == want.model_evals


def test_each_graph_has_its_own_digest():
    assert weights_sha256(classifier(MAXPOOL).module) != weights_sha256(
        classifier(tiny_cnn(pool="GlobalMaxPool", batch="N", seed=1)).module)


def test_the_cli_explains_with_occlusion_and_refuses_gradcam(tmp_path, capsys):
    model = tmp_path / "maxpool.onnx"
    model.write_bytes(tiny_cnn(pool="GlobalMaxPool", batch="N", size=32))
    image = tmp_path / "x.png"
    from PIL import Image

    Image.fromarray(np.random.default_rng(0).integers(0, 255, (32, 32, 3), np.uint8)).save(image)
    base = ["explain", "--checkpoint", str(model), "--input", str(image), "--json"]
    assert cli_module.main(base + ["--method", "occlusion"]) == 0
    out, err = capsys.readouterr()
    assert "GlobalMaxPool" in json.loads(out)["forward_only"] and "only perturbation" in err
    assert cli_module.main(base + ["--method", "gradcam"]) == 2
    err = capsys.readouterr().err
    assert "perturbation" in err and "occlusion" in err

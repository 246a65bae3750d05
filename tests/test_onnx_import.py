"""ONNX files as classifiers: converted outputs equal onnxruntime's, the layout and softmax
read from the graph, Grad-CAM through the converted graph, and one clear message per bad file."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from model_zoo.onnx_import import OnnxImportError, onnx_classifier, parse_onnx, read_spec
from tests.onnx_files import run_onnxruntime, tiny_cnn


@pytest.mark.parametrize("nhwc", [False, True])
def test_converted_graph_gives_onnxruntime_probabilities(nhwc):
    data = tiny_cnn(nhwc=nhwc)
    model = onnx_classifier(data, ("a", "b"), name="onnx:tiny", source="test")
    assert read_spec(parse_onnx(data)).layout == ("NHWC" if nhwc else "NCHW")
    x = torch.rand(1, 3, 16, 16, generator=torch.Generator().manual_seed(1))
    feed = x.permute(0, 2, 3, 1).numpy() if nhwc else x.numpy()
    expected = run_onnxruntime(data, np.ascontiguousarray(feed))
    got = torch.softmax(model.logits(x), -1).numpy()  # logits are log p: softmax gives p back
    np.testing.assert_allclose(got, expected, atol=1e-5)
    assert model.input_size == (16, 16) and model.labels == ("a", "b")


def test_gradcam_runs_through_the_converted_graph():
    from explainers import compatible_methods
    from explainers.run import explain

    model = onnx_classifier(tiny_cnn(softmax=False), None, name="onnx:tiny", source="test")
    assert model.labels == ("class 0", "class 1")
    assert "gradcam" in {e.name for e in compatible_methods(model)}
    result = explain(model, "gradcam", torch.rand(3, 16, 16), target=0)
    assert result.scores.shape == (16, 16) and np.isfinite(result.scores).all()


@pytest.mark.parametrize("data, words", [
    (b"not a model at all" * 10, "not an ONNX model"),
    (tiny_cnn(rank=2), "rank 2"),
])
def test_bad_files_get_one_message(data, words):
    with pytest.raises(OnnxImportError, match=words):
        onnx_classifier(data, None, name="onnx:bad", source="test")


def test_too_large_is_refused_before_parsing(monkeypatch):
    import model_zoo.onnx_import as onnx_import

    monkeypatch.setattr(onnx_import, "MAX_ONNX_BYTES", 100)
    with pytest.raises(OnnxImportError, match="larger than"):
        parse_onnx(tiny_cnn())


def test_wrong_label_count_is_refused():
    with pytest.raises(OnnxImportError, match="3 labels given for 2 outputs"):
        onnx_classifier(tiny_cnn(), ("a", "b", "c"), name="onnx:tiny", source="test")


def test_external_data_is_refused():
    import onnx

    model = onnx.load_from_string(tiny_cnn())
    model.graph.initializer[0].data_location = onnx.TensorProto.EXTERNAL
    with pytest.raises(OnnxImportError, match="external data"):
        parse_onnx(model.SerializeToString())

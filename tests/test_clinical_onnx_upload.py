"""An ONNX model uploaded on the Clinical page (issue 25): a valid graph is explained with
Grad-CAM under its own labels, a graph the converter refuses gets the perturbation methods
and the reason, and a file that is not ONNX gets one message while the page goes on."""
from __future__ import annotations

import pytest

from tests.onnx_files import tiny_cnn
from tests.test_app_inputs import uploader
from tests.test_clinical_page import clinical_page, grid, page_text


def upload(app, data: bytes, labels: str = ""):
    app.text_area(key="clinical_onnx_labels").set_value(labels)
    file = ("m.onnx", data, "application/octet-stream")
    return uploader(app, "clinical_onnx_file").set_value(file).run()


def test_a_valid_onnx_is_explained_with_gradcam_under_its_labels():
    app = upload(clinical_page(clinical_methods=["gradcam"]), tiny_cnn(size=64),
                 "benign\nmalignant")
    assert not app.exception, app.exception
    assert not app.error, [e.value for e in app.error]
    text = page_text(app)
    assert "benign (" in text and "malignant (" in text
    assert grid(app).count("<figure") == 1 and "m.onnx" not in text  # no file name shown


def test_an_unconvertible_onnx_offers_perturbation_methods_and_says_why():
    app = upload(clinical_page(), tiny_cnn(size=64, pool="GlobalMaxPool", batch="N"))
    assert not app.exception, app.exception
    assert any("onnxruntime" in i.value and "GlobalMaxPool" in i.value for i in app.info)
    methods = app.multiselect(key="clinical_methods")
    assert "gradcam" not in methods.options and "Occlusion" in methods.options
    assert methods.value and grid(app).count("<figure") == len(methods.value)


@pytest.mark.parametrize("data, words", [(b"\x00\x01not onnx" * 40, "is not an ONNX model"),
                                         (tiny_cnn(rank=2), "input has rank 2")])
def test_a_bad_onnx_gets_one_message_and_the_page_goes_on(data, words):
    app = upload(clinical_page(), data)
    assert not app.exception, app.exception
    assert len(app.error) == 1 and words in app.error[0].value
    assert app.selectbox(key="clinical_model").value == "xray_phantom_cnn"
    assert grid(app).count("<figure") == 2  # the picked model's maps, as before

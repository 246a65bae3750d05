"""The three-line Python API: ``load_model`` and ``explain`` take a path, a PIL image, a
tensor or a sentence and return the project's one result type, equal to the core's call."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

import explainers
from explainers.result import Explanation
from inputs.samples import sample_image
from workflows import explain, load_model


@pytest.fixture(scope="module")
def model():
    return load_model("mobilenet_v2")


def test_an_image_path_gives_the_predicted_class_map(model, tmp_path, chelsea):
    path = tmp_path / "photo.png"
    Image.fromarray(sample_image("chelsea")).save(path)
    result = explain(model, "gradcam", str(path))
    assert isinstance(result, Explanation)
    assert result.target == int(model.logits(chelsea).argmax())  # target=None: the top class
    assert result.scores.shape == tuple(chelsea.shape[-2:])
    same = explainers.explain(model, "gradcam", chelsea, target=result.target)
    np.testing.assert_allclose(result.scores, same.scores, atol=1e-6)


def test_a_pil_image_and_a_tensor_give_the_same_map(model, chelsea):
    picture = Image.fromarray(sample_image("chelsea"))
    from_pil = explain(model, "saliency", picture, target=285)
    from_tensor = explain(model, "saliency", chelsea, target=285)
    assert from_pil.target == 285 and from_pil.method == "saliency"
    np.testing.assert_allclose(from_pil.scores, from_tensor.scores, atol=1e-6)


def test_a_sentence_with_the_idea_name_runs_the_text_variant():
    model = load_model("minilm_sentiment")
    result = explain(model, "integrated_gradients", "the camera is great", steps=4, batch=4)
    assert isinstance(result, Explanation) and result.tokens is not None
    assert result.scores.shape == (len(result.tokens),)
    assert 0 <= result.target < len(model.labels)


def test_bad_inputs_say_what_is_wrong(model, tmp_path):
    with pytest.raises(FileNotFoundError, match="no such image"):
        explain(model, "gradcam", str(tmp_path / "missing.jpg"))
    with pytest.raises(ValueError, match="reads text"):
        explain(load_model("minilm_sentiment"), "attention", sample_image("chelsea"))
    with pytest.raises(ValueError, match="does not fit"):
        explain(model, "attention", sample_image("chelsea"))


def test_the_audit_is_one_path_whatever_the_engine_and_batch():
    """The local engine runs the same per-batch callable as Ray: batch size and engine
    choice change nothing in the columns."""
    from inputs.audit_data import generated_set
    from jobs.batch_job import EngineChoice
    from workflows.audit import run_audit

    model, data = load_model("shortcut_cnn"), generated_set("shortcut_biased", 12)
    whole = run_audit(model, data, ("gradcam",))
    split = run_audit(model, data, ("gradcam",), engine=EngineChoice("local", batch_size=5))
    assert whole.columns.keys() == split.columns.keys()
    for key, values in whole.columns.items():
        np.testing.assert_allclose(values, split.columns[key], rtol=1e-4, atol=1e-5, err_msg=key)
    assert (whole.columns["index"] == np.arange(12)).all()


def test_projection_extraction_on_the_local_engine_matches_the_extractor():
    """The engine path (ExtractionWork per batch, rows put back in order) computes what the
    extractor computes over the whole set."""
    from explainers.global_views.extraction import extract
    from inputs.datasets import load_dataset
    from jobs.batch_job import EngineChoice
    from workflows.projection import extract_activations

    model, dataset = load_model("mobilenet_v2"), load_dataset("shapes", 6)
    whole = extract(model, dataset, "1.features.18")
    batched = extract_activations(model, dataset, "1.features.18", EngineChoice(batch_size=4))
    np.testing.assert_allclose(whole.features, batched.features, rtol=1e-4, atol=1e-5)
    assert (whole.predicted == batched.predicted).all()

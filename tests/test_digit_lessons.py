"""The digit model, its generator prior and the actmax page's three-prior comparison."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from explainers.global_views import objectives as obj
from explainers.global_views.actmax import maximise, preset
from inputs.mnist import bundled_digits, digit_rgb, parse_idx
from model_zoo import load_model
from model_zoo.digit_generator import LATENT, load_generator
from model_zoo.digits import recorded_test_accuracy


def as_batch(images: np.ndarray) -> torch.Tensor:
    return torch.tensor(np.stack([digit_rgb(i) for i in images])).permute(0, 3, 1, 2).float() / 255


def test_parse_idx_reads_lecuns_format():
    data = b"\x00\x00\x08\x03" + (2).to_bytes(4, "big") + (1).to_bytes(4, "big") \
        + (3).to_bytes(4, "big") + bytes(range(6))
    assert parse_idx(data).tolist() == [[[0, 1, 2]], [[3, 4, 5]]]
    with pytest.raises(ValueError):
        parse_idx(b"\x00\x00\x0d\x01" + bytes(8))


def test_digit_model_reads_the_bundled_test_digits():
    model = load_model("digit_cnn")
    x, y = bundled_digits()
    predicted = model.logits(as_batch(x[:100])).argmax(1).numpy()
    assert (predicted == y[:100]).mean() >= 0.97
    assert recorded_test_accuracy() >= 0.985 and "MNIST" in model.source


def test_generator_draws_digits_the_classifier_recognises():
    decoder = load_generator()
    z = torch.randn(32, LATENT, generator=torch.Generator().manual_seed(0))
    with torch.inference_mode():
        images = decoder(z)
    assert images.shape == (32, 1, 28, 28) and 0 <= images.min() and images.max() <= 1
    probs = torch.softmax(load_model("digit_cnn").logits(images.expand(-1, 3, -1, -1)), -1)
    assert probs.max(1).values.median() > 0.8  # the samples look like digits to the model


def test_generator_prior_reaches_the_class_and_stays_a_digit():
    model = load_model("digit_cnn")
    result = maximise(model, obj.class_logit(3), preset("generator", steps=48, size=0))
    assert result.target_probability[0] > 0.9 and result.top_class == (3,)
    assert result.curve[-1, 0] > result.curve[0, 0]
    image = result.images[0]
    assert np.all(image[..., 0] == image[..., 2])  # grey: G draws one channel
    assert (image < 40).mean() > 0.5  # mostly black background, like MNIST


def test_generator_preset_refuses_models_without_a_generator(zoo):
    with pytest.raises(ValueError, match="no generator"):
        maximise(zoo("shortcut_cnn"), obj.class_logit(0), preset("generator", steps=2))


@pytest.mark.slow
def test_actmax_page_compares_three_priors_for_a_digit():
    from tests.test_app import run_page

    app = run_page("actmax.py")
    app.selectbox(key="actmax_model").set_value("digit_cnn").run()
    app.radio(key="actmax_kind").set_value("Class logit").run()
    app.selectbox(key="actmax_class").set_value(3)
    app.slider(key="actmax_steps").set_value(16).run()
    app.button(key="actmax_compare").click().run()
    assert not app.exception, app.exception
    captions = [image.proto.imgs[0].caption for image in app.get("image")]
    assert [c.split(" · ")[0] for c in captions] == ["raw pixels", "regularised", "generator prior"]
    assert all("p(3) = " in c for c in captions)
    assert any("generator keeps the image" in c.value for c in app.caption)

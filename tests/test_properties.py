"""Properties with known answers: alignment, concentration, completeness, agreement with
captum and pytorch-grad-cam, attention rows, no side effects."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from explainers import explain
from explainers.path_integral import integrated_gradients
from tests.helpers import assert_untouched
from tests.tiny_models import CellNet, QuadrantNet, tiny_image_model


def centroid(scores: np.ndarray) -> tuple[float, float]:
    weights = np.abs(scores.astype(np.float64))
    rows, cols = np.indices(scores.shape)
    return (weights * rows).sum() / weights.sum(), (weights * cols).sum() / weights.sum()


def test_cam_is_aligned_with_the_image_no_half_pixel_shift():
    """A bright 16x16 block at rows 16-31, cols 32-47 of a 64x64 image; the model (32x32
    input, 4x4 cells) sees it in cell (1, 2). The map's centroid is the block's centre."""
    model = tiny_image_model(CellNet(), (32, 32), 4)
    image = torch.zeros(3, 64, 64)
    image[:, 16:32, 32:48] = 1.0
    result = explain(model, "gradcam", image, target=0)
    assert result.scores.shape == (64, 64)
    row, col = centroid(result.scores)
    assert abs(row - 23.5) < 0.05 and abs(col - 39.5) < 0.05


def test_saliency_is_aligned_with_the_image():
    """Class 0 depends on the top-left quarter of the model input only: rows/cols 0-31 of a
    64x64 image; the gradient's centroid sits at its centre, 15.5."""
    model = tiny_image_model(QuadrantNet(), (32, 32), 2)
    image = torch.rand(3, 64, 64, generator=torch.Generator().manual_seed(0))
    row, col = centroid(explain(model, "saliency", image, target=0).scores)
    assert abs(row - 15.5) < 0.1 and abs(col - 15.5) < 0.1


@pytest.mark.parametrize("method", ["saliency", "integrated_gradients"])
def test_gradient_maps_concentrate_where_the_model_looks(method):
    model = tiny_image_model(QuadrantNet(), (32, 32), 2)
    image = torch.rand(3, 32, 32, generator=torch.Generator().manual_seed(1))
    scores = np.abs(explain(model, method, image, target=0).scores)
    assert scores[:16, :16].sum() / scores.sum() > 0.99


def test_integrated_gradients_completeness_on_a_tiny_model():
    model = tiny_image_model(CellNet(), (32, 32), 4)
    image = torch.rand(3, 32, 32, generator=torch.Generator().manual_seed(2))
    result = explain(model, "integrated_gradients", image, target=0, steps=20, baseline="black")
    logits = model.logits(image)[0, 0] - model.logits(torch.zeros_like(image))[0, 0]
    assert abs(result.scores.sum() - float(logits)) < 1e-4 * max(1.0, abs(float(logits)))
    assert abs(result.delta) < 1e-4


@pytest.mark.slow
def test_integrated_gradients_completeness_on_mobilenet(zoo, chelsea):
    """The gap shrinks with steps: about 9% of the logit change at 50 steps, under 2% at 128."""
    model = zoo("mobilenet_v2")
    x = model.preprocess(chelsea)
    with torch.no_grad():
        change = float(model.module(x)[0, 285] - model.module(torch.zeros_like(x))[0, 285])
    coarse = explain(model, "integrated_gradients", chelsea, target=285, steps=50,
                     baseline="black")
    fine = explain(model, "integrated_gradients", chelsea, target=285, steps=128, batch=32,
                   baseline="black")
    assert abs(fine.delta) < 0.05 * abs(change)
    assert abs(fine.delta) < abs(coarse.delta)


@pytest.mark.slow
def test_our_integrated_gradients_match_captum(zoo, chelsea):
    from captum.attr import IntegratedGradients

    model = zoo("mobilenet_v2")
    x = model.preprocess(chelsea)
    ours, delta = integrated_gradients(model.module, x, torch.zeros_like(x), 285, steps=16, batch=8)
    theirs, their_delta = IntegratedGradients(model.module).attribute(
        x, baselines=torch.zeros_like(x), target=285, n_steps=16, method="gausslegendre",
        internal_batch_size=8, return_convergence_delta=True)
    assert torch.allclose(ours, theirs, atol=1e-5 * float(theirs.abs().max()) + 1e-7)
    assert abs(delta - float(their_delta)) < 1e-3
    assert_untouched(model.module)


@pytest.mark.slow
def test_our_gradcam_matches_pytorch_grad_cam(zoo, chelsea):
    from pytorch_grad_cam import GradCAM
    from pytorch_grad_cam.utils.model_targets import ClassifierOutputTarget

    from explainers.private_copy import private_copy

    model = zoo("mobilenet_v2")
    x = model.preprocess(chelsea)
    ours = explain(model, "gradcam", x[0], target=285).scores  # x is already 224x224
    scratch = private_copy(model.module)  # their library hooks and backpropagates
    with GradCAM(model=scratch, target_layers=[model.target_layers(scratch)[-1]]) as cam:
        theirs = cam(input_tensor=x.clone().requires_grad_(True),  # frozen weights
                     targets=[ClassifierOutputTarget(285)])[0]
    ours = (ours - ours.min()) / (ours.max() - ours.min())
    correlation = np.corrcoef(ours.ravel(), theirs.ravel())[0, 1]
    assert correlation > 0.99
    assert_untouched(model.module)


@pytest.mark.slow
def test_text_integrated_gradients_match_captum_and_are_complete(zoo):
    from captum.attr import LayerIntegratedGradients

    from explainers.text.integrated_gradients import baseline_ids

    model = zoo("minilm_sentiment")
    text = "What a lovely, sunny and wonderful morning"
    result = explain(model, "integrated_gradients_text", text, target=2, steps=32, batch=32)
    enc = model.encode(text)

    def forward(ids, mask):
        return model.module(input_ids=ids, attention_mask=mask).logits

    lig = LayerIntegratedGradients(forward, model.embedding_layer())
    theirs = lig.attribute(enc.input_ids, baselines=baseline_ids(model, enc),
                           additional_forward_args=(enc.attention_mask,), target=2, n_steps=32,
                           method="gausslegendre").sum(-1)[0]
    assert np.allclose(result.scores, theirs.numpy(), atol=1e-4)
    logits = forward(enc.input_ids, enc.attention_mask)[0, 2]
    base = forward(baseline_ids(model, enc), enc.attention_mask)[0, 2]
    assert abs(result.scores.sum() - float(logits - base)) < 0.02 * abs(float(logits - base)) + 1e-3
    assert_untouched(model.module)


def test_attention_rows_sum_to_one_and_scores_form_a_distribution(zoo):
    model = zoo("minilm_sentiment")
    result = explain(model, "attention", "the service was slow but the food was great")
    attentions = result.extras["attentions"]
    assert attentions.shape[:2] == (6, 12)
    assert np.allclose(attentions.sum(-1), 1, atol=1e-5)
    assert abs(result.scores.sum() - 1) < 1e-5 and (result.scores >= 0).all()


def test_result_is_frozen_and_read_only(zoo, chelsea):
    result = explain(zoo("mobilenet_v2"), "saliency", chelsea)
    with pytest.raises(ValueError):
        result.scores[0, 0] = 1.0
    with pytest.raises(AttributeError):
        result.target = 3


def test_explaining_under_no_grad_still_works(zoo, chelsea):
    model = zoo("mobilenet_v2")
    with torch.no_grad():
        result = explain(model, "gradcam", chelsea, target=285)
    assert result.scores.max() > 0

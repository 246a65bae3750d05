"""Perturbation methods (occlusion, LIME, partition SHAP, RISE) on tiny models with known
answers, against captum / lime / shap at equal settings, seeded and side-effect free."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from explainers import explain
from explainers.image.lime_image import superpixels, weighted_ridge
from explainers.image.rise import MaskSet
from explainers.metrics.rank import spearman
from model_zoo.classifier import ImageClassifier, freeze
from tests.helpers import assert_untouched
from tests.tiny_models import CellNet, QuadrantNet, tiny_image_model

SMALL = {"occlusion": {"window": 4, "stride": 4}, "lime": {"segments": 16, "samples": 300},
         "shap": {"max_evals": 300, "blur": 8}, "rise": {"masks": 400, "grid": 4}}


class PixelWeights(nn.Module):
    """Two linear scores with fixed random weights per pixel: every region matters."""

    def __init__(self, size: int) -> None:
        super().__init__()
        generator = torch.Generator().manual_seed(3)
        self.register_buffer("weights", torch.randn(2, 3, size, size, generator=generator))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.einsum("nchw,kchw->nk", x, self.weights)


def pixel_model(size: int = 32) -> ImageClassifier:
    return ImageClassifier(name="tiny:PixelWeights", module=freeze(PixelWeights(size)),
                           labels=("a", "b"), input_size=(size, size), target_layers=lambda m: [])


def quadrant_image() -> tuple[ImageClassifier, torch.Tensor]:
    """QuadrantNet on a 32x32 image of 8x8 blocks of random colours (superpixels align)."""
    blocks = torch.rand(3, 4, 4, generator=torch.Generator().manual_seed(1))
    image = blocks.repeat_interleave(8, dim=1).repeat_interleave(8, dim=2)
    return tiny_image_model(QuadrantNet(), (32, 32), 2), image


@pytest.mark.parametrize("method", ["occlusion", "shap"])
def test_signed_maps_concentrate_in_the_quadrant_the_model_looks_at(method):
    model, image = quadrant_image()
    scores = np.abs(explain(model, method, image, target=0, **SMALL[method]).scores)
    assert scores[:16, :16].sum() / scores.sum() > 0.99


def test_lime_credits_only_superpixels_reaching_into_the_quadrant():
    """Black fill: a mean-colour fill keeps each superpixel's mean, which QuadrantNet sees."""
    model, image = quadrant_image()
    scores = explain(model, "lime", image, target=0, fill="black", **SMALL["lime"]).scores
    labels = superpixels(image[None], SMALL["lime"]["segments"])
    inside = set(np.unique(labels[:16, :16]))
    for segment in range(labels.max() + 1):
        value = scores[labels == segment].mean()
        if segment in inside:
            assert value > 0.05 * scores.max(), segment
        else:
            assert abs(value) < 0.01 * scores.max(), segment


def test_rise_is_highest_in_the_quadrant_the_model_looks_at():
    model, image = quadrant_image()
    scores = explain(model, "rise", image, target=0, **SMALL["rise"]).scores
    inside = scores[:16, :16].mean()
    outside = (scores.sum() - scores[:16, :16].sum()) / (scores.size - 16 * 16)
    assert scores.min() >= 0 and inside > 1.05 * outside


def test_occlusion_is_the_hand_computed_score_drop():
    """QuadrantNet's class 0 is sum(x[:, :4, :4]) / 16 on an 8x8 input: hiding the top-left
    4x4 window with black drops it to 0; hiding any other window changes nothing."""
    model = tiny_image_model(QuadrantNet(), (8, 8), 2)
    image = torch.rand(3, 8, 8, generator=torch.Generator().manual_seed(4))
    scores = explain(model, "occlusion", image, target=0, window=4, stride=4).scores
    expected = np.zeros((8, 8), np.float32)
    expected[:4, :4] = float(image[:, :4, :4].sum()) / 16
    assert np.allclose(scores, expected, atol=1e-6)


@pytest.mark.parametrize("fill", ["black", "blur"])
def test_occlusion_matches_captum_with_overlapping_windows(fill):
    from captum.attr import Occlusion

    from explainers.image.perturbation import fill_image

    model = tiny_image_model(CellNet(), (32, 32), 4)
    image = torch.rand(3, 32, 32, generator=torch.Generator().manual_seed(5))
    ours = explain(model, "occlusion", image, target=2, window=8, stride=4, fill=fill).scores
    x = image[None]
    theirs = Occlusion(model.module).attribute(
        x, sliding_window_shapes=(3, 8, 8), strides=(3, 4, 4), target=2,
        baselines=fill_image(x, fill, 8), perturbations_per_eval=16)[0, 0]
    assert np.allclose(ours, theirs.numpy(), atol=1e-5)


def test_lime_agrees_in_rank_with_the_lime_package():
    from lime import lime_image

    model, image = pixel_model(), torch.rand(3, 32, 32, generator=torch.Generator().manual_seed(6))
    labels = superpixels(image[None], 16)
    ours = explain(model, "lime", image, target=1, segments=16, samples=1000).scores

    def classifier(images: np.ndarray) -> np.ndarray:
        with torch.inference_mode():
            return model.module(torch.from_numpy(images).permute(0, 3, 1, 2).float()).numpy()

    found = lime_image.LimeImageExplainer(random_state=0).explain_instance(
        image.permute(1, 2, 0).double().numpy(), classifier, labels=(1,), top_labels=None,
        num_samples=1000, segmentation_fn=lambda _: labels, batch_size=100)
    theirs = dict(found.local_exp[1])
    ours = np.array([ours[labels == s].mean() for s in range(labels.max() + 1)])
    theirs = np.array([theirs[s] for s in sorted(theirs)])
    assert spearman(ours, theirs) > 0.9
    assert np.allclose(ours, theirs, atol=0.05 * np.abs(theirs).max())  # other random samples


def test_weighted_ridge_matches_scikit_learn():
    from sklearn.linear_model import Ridge

    rng = np.random.default_rng(0)
    z, y, w = rng.integers(0, 2, (60, 7)).astype(float), rng.normal(size=60), rng.random(60)
    theirs = Ridge(alpha=1.0).fit(z, y, sample_weight=w).coef_
    assert np.allclose(weighted_ridge(z, y, w, 1.0), theirs, atol=1e-10)


@pytest.mark.slow
@pytest.mark.parametrize("evals", [40, 300])
def test_partition_shap_equals_the_shap_package(evals):
    import shap

    model = tiny_image_model(CellNet(), (32, 32), 4)
    image = torch.rand(3, 32, 32, generator=torch.Generator().manual_seed(7))
    ours = explain(model, "shap", image, target=3, max_evals=evals, blur=8, batch=16)

    def scores(images: np.ndarray) -> np.ndarray:
        with torch.inference_mode():
            return model.module(torch.from_numpy(images).permute(0, 3, 1, 2).float())[:, 3].numpy()

    masker = shap.maskers.Image("blur(8,8)", (32, 32, 3))
    found = shap.Explainer(scores, masker)(image.permute(1, 2, 0).numpy()[None], max_evals=evals,
                                           batch_size=16, silent=True)
    theirs = found.values[0].sum(-1)
    assert spearman(ours.scores, theirs) > 0.99
    assert np.allclose(ours.scores, theirs, atol=1e-6 * np.abs(theirs).max())
    assert ours.model_evals <= evals + 1


@pytest.mark.parametrize("method", ["lime", "rise"])
def test_seeded_methods_repeat_exactly_and_depend_on_the_seed(method):
    model, image = quadrant_image()
    run = lambda seed, batch=16: explain(model, method, image, target=0, seed=seed, batch=batch,
                                         **SMALL[method]).scores
    first = run(0)
    assert np.array_equal(first, run(0))
    assert np.allclose(first, run(0, batch=7), atol=1e-5)  # chunking does not change masks
    assert not np.array_equal(first, run(1))


def test_rise_masks_keep_cells_with_probability_p_and_cover_the_grid():
    masks = MaskSet(2000, (20, 30), grid=5, p=0.3, seed=0).slice(0, 2000)
    assert masks.shape == (2000, 20, 30)
    assert masks.min() >= 0 and masks.max() <= 1 + 1e-6
    assert abs(float(masks.mean()) - 0.3) < 0.02


@pytest.mark.parametrize("method", ["occlusion", "lime", "shap", "rise"])
def test_no_side_effects_on_input_or_model(method):
    model, image = quadrant_image()
    before = image.clone()
    explain(model, method, image, target=1, **SMALL[method])
    assert torch.equal(image, before)
    assert_untouched(model.module)


@pytest.mark.parametrize("method, params, message", [
    ("occlusion", {"window": 64}, "larger than the model input"),
    ("occlusion", {"stride": 0}, "stride must be positive"),
    ("occlusion", {"fill": "plaid"}, "unknown fill"),
    ("lime", {"samples": 0}, "samples must be positive"),
    ("rise", {"p": 1.5}, "probability"),
    ("shap", {"max_evals": -1}, "max_evals must be positive"),
])
def test_bad_parameters_get_a_clear_message(method, params, message):
    model, image = quadrant_image()
    with pytest.raises(ValueError, match=message):
        explain(model, method, image, target=0, **params)

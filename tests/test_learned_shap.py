"""The region game, the Shapley estimators and the learned explainer (FastSHAP): known
answers on small games, efficiency, and the registry offering it only where it was trained."""
from __future__ import annotations

import copy

import numpy as np
import pytest
import torch

from explainers import explain, explainer_entry
from explainers.image.learned_shap import efficient, trained_for
from explainers.image.learned_shap_fidelity import permutation_shapley, top_k_overlap
from explainers.image.learned_shap_sets import images_for
from explainers.image.region_game import (RegionGame, all_coalitions, exact_shapley,
                                          kernel_coalitions, pool_to_grid, region_images)
from explainers.image.shapley_estimators import kernel_estimates, permutation_estimates
from explainers.metrics.rank import spearman
from model_zoo.classifier import ImageClassifier
from tests.image_method_models import conv_model


def pair_game(n: int, seed: int):
    """v(S) = w . S + sum of pair bonuses: Shapley splits each bonus evenly."""
    rng = np.random.default_rng(seed)
    w, pairs = rng.normal(size=n), [(0, 1, 2.0), (2, 3, -1.0)]

    def v(masks: np.ndarray) -> np.ndarray:
        m = masks.astype(float)
        return m @ w + sum(b * m[:, i] * m[:, j] for i, j, b in pairs)

    expected = w.copy()
    for i, j, b in pairs:
        expected[[i, j]] += b / 2
    return v, expected


def test_exact_shapley_splits_interactions_evenly():
    v, expected = pair_game(6, 0)
    assert np.allclose(exact_shapley(v(all_coalitions(6)), 6), expected)


@pytest.mark.parametrize("estimator, budget, tol", [(permutation_estimates, 60, 1e-9),
                                                     (kernel_estimates, 4000, 0.1)])
def test_estimators_approach_exact_and_count_evaluations(estimator, budget, tol):
    v, expected = pair_game(6, 1)
    estimates = list(estimator(v, 6, budget, np.random.default_rng(0)))
    evals, final = estimates[-1]
    assert evals > estimates[0][0] and np.abs(final - expected).max() < tol
    gap = v(np.ones((1, 6), bool))[0] - v(np.zeros((1, 6), bool))[0]
    assert final.sum() == pytest.approx(gap)  # efficiency holds at every budget


def test_kernel_coalitions_come_in_complementary_pairs():
    masks = kernel_coalitions(10, 40, np.random.default_rng(3))
    assert masks.shape == (40, 10) and (masks[0::2] == ~masks[1::2]).all()
    assert ((masks.sum(1) >= 1) & (masks.sum(1) <= 9)).all()


def test_region_images_show_the_coalition_and_fill_the_rest():
    x, filled = torch.rand(1, 3, 8, 8), torch.zeros(1, 3, 8, 8)
    images = region_images(x, filled, torch.tensor([[True, False, False, True]]), (2, 2))
    assert torch.equal(images[0, :, :4, :4], x[0, :, :4, :4])
    assert (images[0, :, :4, 4:] == 0).all() and torch.equal(images[0, :, 4:, 4:], x[0, :, 4:, 4:])


def test_efficient_normalisation_meets_the_gap():
    raw, gap = torch.randn(3, 2, 16), torch.randn(3, 2)
    assert torch.allclose(efficient(raw, gap).sum(-1), gap, atol=1e-5)


def test_offered_only_for_the_weights_it_was_trained_for(zoo):
    entry = explainer_entry("learned_shap")
    model = zoo("shortcut_cnn")
    assert entry.is_compatible(model)
    changed = {k: v + 0.01 if v.is_floating_point() else v
               for k, v in model.module.state_dict().items()}
    twin = ImageClassifier(model.name, copy.deepcopy(model.module),
                           model.labels, model.input_size, model.target_layers)
    twin.module.load_state_dict(changed)
    assert not entry.is_compatible(twin)
    assert not entry.is_compatible(conv_model(0))


def test_learned_map_is_efficient_and_one_pass(zoo):
    model = zoo("shortcut_cnn")
    image = images_for("shortcut_cnn", "held_out", 1)[0]
    result = explain(model, "learned_shap", image, target=1)
    game = RegionGame(model, model.preprocess(image), (8, 8))
    ends = game(torch.stack([torch.zeros(64), torch.ones(64)]).bool())[:, 1]
    assert result.scores.sum() == pytest.approx(float(ends[1] - ends[0]), rel=1e-3, abs=1e-3)
    assert result.model_evals == 2 and result.extras["region_values"].shape == (8, 8)


def test_learned_map_ranks_regions_like_sampled_shapley(zoo):
    """A held-out image: the learned values against 8 antithetic permutations of the game."""
    model = zoo("shortcut_cnn")
    image = images_for("shortcut_cnn", "held_out", 2)[1]
    x = model.preprocess(image)
    target = int(model.logits(image).argmax())
    learned = explain(model, "learned_shap", image, target=target).extras["region_values"]
    reference = permutation_shapley(model, x, target, (8, 8), 8, seed=0)
    assert spearman(learned.ravel(), reference) > 0.5
    assert trained_for(model)["grid"] == [8, 8]


def test_pooling_and_top_k():
    scores = torch.arange(16.0).view(4, 4)
    assert pool_to_grid(scores, (2, 2)).tolist() == [10.0, 18.0, 42.0, 50.0]
    uneven = torch.arange(25.0).view(5, 5)  # 5 px on a 2 x 2 grid: cells of 3 and 2 px
    assert pool_to_grid(uneven, (2, 2)).sum() == uneven.sum()
    assert top_k_overlap(np.array([3, 2, 1, 0.]), np.array([3, 1, 2, 0.]), 2) == 0.5


def test_spread_keeps_each_region_value_where_the_grid_does_not_divide_the_image():
    from explainers.image.learned_shap import spread

    cells = torch.randn(2, 8, 8, dtype=torch.float64)
    maps = spread(cells, (28, 28))  # a digit: regions of 3 and 4 px
    assert maps.shape == (2, 28, 28)
    for one, found in zip(cells, maps):
        np.testing.assert_allclose(pool_to_grid(found, (8, 8)), one.flatten().numpy(), rtol=1e-5,
                                   atol=1e-6)


def test_batched_learned_maps_equal_single_maps(zoo):
    """The audit and batch jobs' form (``batch_fn``) gives the registered method's maps."""
    from explainers.audit.batch_maps import batch_maps

    model = zoo("shortcut_cnn")
    images = images_for("shortcut_cnn", "held_out", 3)
    targets = torch.tensor([1, 0, 1])
    maps = batch_maps(model, "learned_shap", model.preprocess(images), targets)
    for image, target, found in zip(images, targets, maps):
        single = explain(model, "learned_shap", image, target=int(target)).scores
        np.testing.assert_allclose(found.numpy(), single, rtol=1e-4, atol=1e-6)


def test_exact_fidelity_on_a_tiny_grid(zoo):
    from explainers.image.learned_shap_fidelity import exact_fidelity

    model = zoo("shortcut_cnn")
    facts = exact_fidelity(model, images_for("shortcut_cnn", "held_out", 1), regions=4,
                           shap_evals=64)
    assert facts["coalitions"] == 16 and 0 <= facts["top_k_learned"] <= 1
    assert -1 <= facts["spearman_learned"] <= 1 and facts["rel_error_learned"] >= 0


def test_listed_for_exactly_the_models_it_was_trained_for(zoo):
    """``cli.py methods --json`` names these models; each of them is offered the method."""
    from explainers.image.learned_shap import TRAINED, WEIGHTS
    from explainers.image.learned_shap_sets import TRAINED_MODELS

    entry = explainer_entry("learned_shap")
    assert entry.only_for == TRAINED == tuple(sorted(p.stem for p in WEIGHTS.glob("*.safetensors")))
    assert set(TRAINED) <= set(TRAINED_MODELS)
    assert all(entry.is_compatible(zoo(name)) for name in TRAINED)


def test_a_model_without_an_explainer_is_told_it_is_not_available():
    from explainers.registry import IncompatibleError
    from workflows.methods import unavailable_notes

    model = conv_model(0)
    with pytest.raises(IncompatibleError, match="not available for this model"):
        explain(model, "learned_shap", torch.rand(3, 16, 16), target=0)
    assert any("Learned SHAP is not available" in note for note in unavailable_notes(model))


def test_the_learned_map_says_it_is_learned_with_its_held_out_fidelity(zoo):
    model = zoo("shortcut_cnn")
    result = explain(model, "learned_shap", images_for("shortcut_cnn", "held_out", 1)[0])
    assert result.extras["note"].startswith("Learned") and "held-out" in result.extras["note"]

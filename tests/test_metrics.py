"""Deletion and insertion curves: known answers on a tiny model, Grad-CAM against chance."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from explainers import explain
from explainers.metrics import FaithfulnessScores, deletion_insertion, random_baseline
from explainers.metrics.faithfulness import (fractions_for, gaussian_blur, pixel_ranks,
                                             random_map, removed_colour)
from explainers.progress import reporting
from model_zoo import probabilities
from model_zoo.imagenet import IMAGENET_MEAN
from tests.helpers import assert_untouched
from tests.tiny_models import QuadrantNet, tiny_image_model


def target_probability(model, x: torch.Tensor, target: int) -> float:
    with torch.inference_mode():
        return float(torch.softmax(model.module(x[None]), dim=-1)[0, target])


def test_fractions_cover_zero_to_one():
    assert np.allclose(fractions_for(0.3), [0, 0.3, 0.6, 0.9, 1.0])
    assert np.allclose(fractions_for(0.25), [0, 0.25, 0.5, 0.75, 1.0])
    with pytest.raises(ValueError):
        fractions_for(0)


def test_signed_maps_rank_most_positive_first_and_ties_not_in_raster_order():
    ranks = pixel_ranks(np.array([[-1.0, 2.0], [0.0, 5.0]]))
    assert ranks.tolist() == [[3, 1], [2, 0]]
    flat = pixel_ranks(np.zeros((16, 16))).numpy()
    assert sorted(flat.ravel().tolist()) == list(range(256))
    assert flat[:4].max() > 64  # the first rows are not all removed first


def test_removed_pixels_are_zero_after_the_models_normalisation(zoo):
    colour = removed_colour(zoo("mobilenet_v2")).ravel()
    assert np.allclose(colour.numpy(), IMAGENET_MEAN)
    assert removed_colour(tiny_image_model(QuadrantNet(), (32, 32), 2)).abs().max() == 0


def test_blur_keeps_a_constant_image_and_smooths_an_edge():
    flat = torch.full((1, 3, 20, 20), 0.3)
    assert torch.allclose(gaussian_blur(flat), flat, atol=1e-6)
    edge = torch.zeros(1, 3, 20, 20)
    edge[..., 10:] = 1
    blurred = gaussian_blur(edge)
    assert 0.05 < float(blurred[0, 0, 5, 9]) < 0.5 < float(blurred[0, 0, 5, 10]) < 0.95


def test_the_right_map_beats_the_inverted_map_on_a_model_with_a_known_answer():
    """QuadrantNet's class 0 is the top-left quarter's brightness; class 1 the rest's minus it.
    The image is bright there only, so the right map names the top-left quarter."""
    model = tiny_image_model(QuadrantNet(), (32, 32), 2)
    image = 0.05 * torch.rand(3, 32, 32, generator=torch.Generator().manual_seed(0))
    image[:, :16, :16] += 0.2
    right = np.zeros((32, 32), dtype=np.float32)
    right[:16, :16] = 1.0
    good = deletion_insertion(model, image, right, target=0, step_fraction=0.1)
    bad = deletion_insertion(model, image, -right, target=0, step_fraction=0.1)
    assert good.deletion_auc < bad.deletion_auc - 0.1
    assert good.insertion_auc > bad.insertion_auc
    # at 30% removed the right order has blacked out the whole quarter: logit 0 is 0 and
    # logit 1 (the rest's mean) is not negative, so p(class 0) <= 1/2; the wrong order still
    # has the quarter intact and the rest dark
    assert good.deletion_curve[3] <= 0.5 < 0.7 < bad.deletion_curve[3]
    # the right order has put the quarter back by then; the wrong one has not started on it
    assert good.insertion_curve[3] > bad.insertion_curve[3]


@pytest.mark.slow
def test_curve_endpoints_and_areas_on_mobilenet(zoo, chelsea):
    model = zoo("mobilenet_v2")
    result = explain(model, "gradcam", chelsea, target=285)
    scores = deletion_insertion(model, chelsea, result.scores, 285, step_fraction=0.1)
    x = model.preprocess(chelsea)[0]
    full = float(probabilities(model, chelsea)[285])
    removed = target_probability(model, removed_colour(model).expand_as(x), 285)
    blurred = target_probability(model, gaussian_blur(x[None])[0], 285)
    assert isinstance(scores, FaithfulnessScores) and scores.model_evals == 22
    assert np.allclose(scores.fractions, np.linspace(0, 1, 11))
    assert scores.deletion_curve[0] == pytest.approx(full, abs=1e-5)
    assert scores.deletion_curve[-1] == pytest.approx(removed, abs=1e-5)
    assert scores.insertion_curve[0] == pytest.approx(blurred, abs=1e-5)
    assert scores.insertion_curve[-1] == pytest.approx(full, abs=1e-5)
    assert 0 <= scores.deletion_auc <= 1 and 0 <= scores.insertion_auc <= 1
    expected = np.trapezoid(scores.deletion_curve, scores.fractions)
    assert scores.deletion_auc == pytest.approx(expected)
    with pytest.raises(ValueError):
        scores.deletion_curve[0] = 0.0
    assert_untouched(model.module)


@pytest.mark.slow
def test_gradcam_beats_a_random_map_on_chelsea(zoo, chelsea):
    model = zoo("mobilenet_v2")
    result = explain(model, "gradcam", chelsea, target=285)
    ours = deletion_insertion(model, chelsea, result.scores, 285, step_fraction=0.1)
    chance = random_baseline(model, chelsea, 285, step_fraction=0.1)
    assert ours.deletion_auc < chance.deletion_auc
    assert ours.insertion_auc > chance.insertion_auc
    assert 0 <= chance.deletion_auc <= 1 and 0 <= chance.insertion_auc <= 1


def test_random_map_is_seeded_and_coarse():
    a, b = random_map((224, 224), seed=3), random_map((224, 224), seed=3)
    assert np.array_equal(a, b) and not np.array_equal(a, random_map((224, 224), seed=4))
    assert np.abs(np.diff(a, axis=1)).max() < 0.1  # smooth: 7x7 cells, upsampled


def test_progress_and_bad_maps(zoo, chelsea):
    model = tiny_image_model(QuadrantNet(), (32, 32), 2)
    image = torch.rand(3, 48, 40)
    seen = []
    with reporting(lambda f, _t: seen.append(f)):
        deletion_insertion(model, image, np.random.rand(48, 40), 0, step_fraction=0.1, batch=4)
    assert seen == sorted(seen) and seen[-1] == 1.0 and len(seen) == 6
    deletion_insertion(model, image, np.random.rand(32, 32), 0, step_fraction=0.5)  # input grid
    for bad in (np.random.rand(10, 10), np.full((48, 40), np.nan), np.random.rand(48, 40, 3)):
        with pytest.raises(ValueError):
            deletion_insertion(model, image, bad, 0)
    with pytest.raises(ValueError):
        deletion_insertion(model, image, np.random.rand(48, 40), 2)

"""ROAD (Rong et al. 2022): imputation and MoRF/LeRF order on cases with known answers."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from explainers.metrics.road import RoadCurves, curve_area, removal_masks, road_curves
from explainers.metrics.road_imputation import impute
from explainers.metrics.road_verdict import MIN_SPREAD, RandomRoad, verdict
from model_zoo.classifier import ImageClassifier


def test_imputation_of_a_linear_ramp_is_exact():
    yy, xx = np.mgrid[0:32, 0:40]
    ramp = np.stack([0.01 * xx + 0.02 * yy, 0.5 - 0.01 * yy, 0.003 * xx])
    removed = np.zeros((32, 40), bool)
    removed[5:20, 8:30] = True
    out = impute(ramp, removed, noise=0.0)
    assert np.abs(out - ramp).max() < 1e-9  # a hole inside: the weighted mean is exact
    assert np.array_equal(out[:, ~removed], ramp[:, ~removed])  # kept pixels untouched


def test_imputation_at_the_border_stays_within_the_known_values():
    yy, xx = np.mgrid[0:32, 0:40]
    ramp = np.stack([0.01 * xx + 0.02 * yy] * 3)
    removed = np.zeros((32, 40), bool)
    removed[25:, 33:] = True  # one-sided neighbours: a discrete maximum principle holds
    out = impute(ramp, removed, noise=0.0)[:, removed]
    known = ramp[:, ~removed]
    assert out.min() >= known.min() - 1e-9 and out.max() <= known.max() + 1e-9
    assert np.abs(out - ramp[:, removed]).max() < 0.15


def test_imputation_noise_only_on_removed_pixels_and_seeded():
    image = np.random.default_rng(0).random((3, 16, 16))
    removed = np.random.default_rng(1).random((16, 16)) < 0.5
    a, b = impute(image, removed, seed=3), impute(image, removed, seed=3)
    assert np.array_equal(a, b) and not np.array_equal(a, impute(image, removed, seed=4))
    assert np.array_equal(a[:, ~removed], image[:, ~removed])
    with pytest.raises(ValueError, match="every pixel"):
        impute(image, np.ones((16, 16), bool))


def test_removal_masks_follow_the_order():
    scores = np.arange(16, dtype=float).reshape(4, 4)
    morf = removal_masks(scores, (0.0, 0.25, 0.5), True)
    lerf = removal_masks(scores, (0.0, 0.25, 0.5), False)
    assert not morf[0].any() and morf[1].sum() == 4 and morf[1][3].all()
    assert lerf[1][0].all() and lerf[2][:2].all()


class LeftHalfLikes(nn.Module):
    """Class 1's logit is the left half's brightness: the left half is the evidence."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        left = x[..., : x.shape[-1] // 2].mean((1, 2, 3)) * 20
        return torch.stack([torch.zeros_like(left), left - 5], 1)


def toy_model() -> ImageClassifier:
    return ImageClassifier(name="toy", module=LeftHalfLikes(), labels=("a", "b"),
                           input_size=(32, 32), target_layers=lambda m: [])


def test_morf_falls_first_for_the_true_evidence_map():
    x = torch.zeros(3, 32, 32)
    x[:, :, :16] = 0.9 + 0.1 * torch.rand(3, 32, 16, generator=torch.Generator().manual_seed(0))
    right = np.zeros((32, 32))
    right[:, :16] = 1.0  # the true evidence
    good = road_curves(toy_model(), x, right, 1)
    bad = road_curves(toy_model(), x, -right, 1)
    assert good.morf[0] == pytest.approx(1.0) and good.lerf[0] == pytest.approx(1.0)
    assert good.morf_auc < good.lerf_auc and good.gap > 0.2
    assert bad.gap == pytest.approx(-good.gap, abs=0.05)


def test_random_null_counts_each_map_and_its_reverse():
    # a map's reverse swaps its orders: gaps +g and -g, mean 0, spread 2 x root mean square
    baseline = RandomRoad((curves((1, .2, .2), (1, .8, .8)), curves((1, .5, .5), (1, .6, .6))))
    assert sorted(baseline.gaps) == pytest.approx([-0.45, -0.075, 0.075, 0.45])
    assert baseline.gap == pytest.approx(0.0)
    assert baseline.spread == pytest.approx(2 * np.sqrt((0.45 ** 2 + 0.075 ** 2) / 2))
    assert baseline.mean_curve == pytest.approx((1.0, 0.525, 0.525))  # all four curves' mean


def curves(morf, lerf) -> RoadCurves:
    return RoadCurves((0.0, 0.5, 1.0), tuple(morf), tuple(lerf), 0.5, 7, 0.0)


def test_verdict_words_and_cannot_tell_inside_the_spread():
    baseline = RandomRoad((curves((1, .5, .4), (1, .5, .4)), curves((1, .6, .4), (1, .5, .4)),
                           curves((1, .5, .4), (1, .6, .4))))
    assert baseline.spread >= MIN_SPREAD and baseline.gap == 0.0  # antithetic: no order
    assert verdict(curves((1, .1, 0), (1, 1, 1)), baseline).outcome == "beats random"
    assert verdict(curves((1, 1, 1), (1, .1, 0)), baseline).outcome == "worse than random"
    close = verdict(curves((1, .5, .4), (1, .51, .4)), baseline)
    assert close.outcome == "cannot tell" and close.text.startswith("Cannot tell")
    assert curve_area((0, 0.5, 1), (1, 1, 1)) == pytest.approx(1.0)


def test_case_scores_carry_road_numbers_and_the_verdict_only_when_asked():
    from explainers.metrics.case import map_scores
    from explainers.metrics.road_verdict import random_road
    from explainers.result import Explanation

    x = torch.zeros(3, 32, 32)
    x[:, :, :16] = 0.9 + 0.1 * torch.rand(3, 32, 16, generator=torch.Generator().manual_seed(0))
    truth = np.zeros((32, 32))
    truth[:, :16] = 1.0
    result = Explanation(truth.astype(np.float32), "toy", 1, False, 0.0, 0)
    model = toy_model()
    plain = map_scores(model, x, result, mask=truth > 0)
    assert plain.faithfulness is None and not any(k.startswith("road") for k in plain.numbers)
    assert plain.numbers["pointing_game"] == 1.0
    scored = map_scores(model, x, result, baseline=random_road(model, x, 1, maps=2))
    assert scored.faithfulness.startswith("Beats random")  # the true evidence map
    assert scored.numbers["road_gap"] == pytest.approx(
        scored.numbers["road_lerf_auc"] - scored.numbers["road_morf_auc"], abs=1e-5)
    assert set(scored.numbers) >= {"road_morf_auc", "road_lerf_auc", "random_road_gap_spread"}

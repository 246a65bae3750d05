"""Localisation scores on masks with known answers, checked against quantus, and the
bootstrap intervals of the benchmark."""
from __future__ import annotations

import numpy as np
import pytest

from explainers.metrics.localisation import (energy_pointing_game, iou, localisation_scores,
                                             otsu_region, pointing_game, relevance_mass,
                                             top_k_region)
from explainers.metrics.localisation_bench import bootstrap_ci

SIDE = 40


def square_mask(top: int = 10, left: int = 10, size: int = 10) -> np.ndarray:
    mask = np.zeros((SIDE, SIDE), dtype=bool)
    mask[top:top + size, left:left + size] = True
    return mask


def test_map_equal_to_the_mask_scores_perfectly():
    mask = square_mask()
    got = localisation_scores(mask.astype(np.float32), mask, top_k_percent=100 * mask.mean())
    assert got.pointing_game == 1 and got.energy_pointing_game == 1 and got.relevance_mass == 1
    assert got.iou_otsu == 1 and got.iou_top_k == 1


def test_map_outside_the_mask_scores_zero():
    mask = square_mask()
    elsewhere = square_mask(25, 25).astype(np.float32)
    got = localisation_scores(elsewhere, mask)
    assert (got.pointing_game, got.energy_pointing_game, got.relevance_mass, got.iou_otsu,
            got.iou_top_k) == (0, 0, 0, 0, 0)


def test_half_overlap_hand_computed():
    mask = square_mask(10, 10, 10)
    shifted = square_mask(10, 15, 10).astype(np.float32)  # half of it inside
    assert energy_pointing_game(shifted, mask) == pytest.approx(0.5)
    assert iou(shifted > 0, mask) == pytest.approx(50 / 150)


def test_signed_map_negative_evidence_counts_against_relevance_mass_only():
    mask = square_mask()
    scores = mask.astype(np.float32) - square_mask(25, 25).astype(np.float32)  # equal -mass out
    assert energy_pointing_game(scores, mask) == 1  # positive part all inside
    assert relevance_mass(scores, mask) == pytest.approx(0.5)  # |map| half inside


def test_pointing_game_peak_position():
    mask = square_mask()
    scores = np.zeros((SIDE, SIDE), dtype=np.float32)
    scores[12, 12], scores[30, 30] = 1.0, 0.9
    assert pointing_game(scores, mask) == 1
    scores[30, 30] = 2.0
    assert pointing_game(scores, mask) == 0


def test_otsu_and_top_k_regions():
    rng = np.random.default_rng(0)
    mask = square_mask()
    scores = 0.1 * rng.random((SIDE, SIDE)) + mask  # a clear bimodal map
    assert np.array_equal(otsu_region(scores), mask)
    assert top_k_region(scores, 100 * mask.mean()).sum() == mask.sum()
    assert not otsu_region(np.zeros((SIDE, SIDE))).any()  # a flat map marks nothing


def test_bad_masks_refused():
    with pytest.raises(ValueError, match="empty"):
        localisation_scores(np.ones((4, 4)), np.zeros((4, 4), dtype=bool))
    with pytest.raises(ValueError, match="mask is"):
        localisation_scores(np.ones((4, 4)), np.ones((5, 5), dtype=bool))


def test_against_quantus():
    """Same numbers as quantus' pointing game, attribution localisation (positive part) and
    relevance mass accuracy (on |map|), on random maps and masks."""
    import quantus  # a test requirement: missing, the test fails rather than skips
    rng = np.random.default_rng(1)
    maps = rng.normal(size=(6, 1, SIDE, SIDE)).astype(np.float32)
    masks = np.stack([square_mask(*rng.integers(0, 25, 2), 12) for _ in range(6)])[:, None]
    maps[::2] += 4 * masks[::2]  # half the maps peak inside their mask
    x = np.zeros((6, 1, SIDE, SIDE), dtype=np.float32)
    y = np.zeros(6, dtype=int)
    common = dict(model=None, x_batch=x, y_batch=y, a_batch=maps, s_batch=masks.astype(float),
                  channel_first=True)
    pg = quantus.PointingGame(disable_warnings=True, abs=False, normalise=False)(**common)
    al = quantus.AttributionLocalisation(disable_warnings=True, abs=False, normalise=False,
                                         positive_attributions=True, max_size=1.0)(**common)
    rma = quantus.RelevanceMassAccuracy(disable_warnings=True, abs=True, normalise=False)(**common)
    assert 0 < sum(map(float, pg)) < 6  # both hits and misses are compared
    for i in range(6):
        a, s = maps[i, 0], masks[i, 0]
        assert pointing_game(a, s) == float(pg[i])
        assert energy_pointing_game(a, s) == pytest.approx(al[i], abs=1e-6)
        assert relevance_mass(a, s) == pytest.approx(rma[i], abs=1e-6)


def test_bootstrap_interval_brackets_the_mean_and_narrows_with_more_cases():
    rng = np.random.default_rng(0)
    small, large = rng.random(20), rng.random(400)
    mean, low, high = bootstrap_ci(small)
    assert low < mean < high and 0 <= low and high <= 1
    _, low2, high2 = bootstrap_ci(large)
    assert high2 - low2 < high - low
    assert bootstrap_ci(np.ones(10)) == (1.0, 1.0, 1.0)

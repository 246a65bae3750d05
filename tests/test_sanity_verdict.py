"""The sanity verdict follows the whole curve; vanishing and constant maps are not passes."""
from __future__ import annotations

import numpy as np
import pytest

from explainers.metrics.sanity_verdict import RULE, sanity_verdict

ORIGINAL = np.random.default_rng(0).random((8, 8))


def noisy(seed: int) -> np.ndarray:
    return np.random.default_rng(seed).random((8, 8))


def test_early_change_passes_and_names_the_block():
    v = sanity_verdict(ORIGINAL, [0.9, 0.2, 0.1, 0.0], [noisy(i) for i in range(4)])
    assert v.passed and v.first_changed == 2 and v.early_rho == pytest.approx(0.4)
    assert "block 2" in v.text


def test_a_late_drop_is_insensitive_even_if_the_last_rho_is_low():
    rhos = [0.9] * 19 + [0.28]  # Score-CAM on the dahlia: only the last block changed it
    v = sanity_verdict(ORIGINAL, rhos, [noisy(i) for i in range(20)])
    assert v.outcome == "insensitive to the model" and not v.passed and v.first_changed == 20


def test_a_vanishing_map_is_reported_not_passed():
    maps = [np.zeros((8, 8))] * 3
    v = sanity_verdict(ORIGINAL, [0.0, 0.0, 0.0], maps)
    assert v.outcome == "vanishes" and not v.passed and "all zeros" in v.text


def test_a_constant_map_is_reported_not_passed():
    v = sanity_verdict(ORIGINAL, [0.1, 0.0, 0.0], [noisy(1), np.full((8, 8), 0.3), noisy(2)])
    assert v.outcome == "constant" and not v.passed and "2 block" in v.text


def test_rule_is_written_and_empty_curves_refused():
    assert "first 3 randomised blocks" in RULE
    with pytest.raises(ValueError):
        sanity_verdict(ORIGINAL, [], [])

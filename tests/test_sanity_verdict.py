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


@pytest.mark.slow  # explains a tiny model once per block and method, twice
def test_shared_copies_give_the_same_reports_as_one_method_at_a_time(monkeypatch):
    """Each block is randomised once for all methods, and nothing changes in the results."""
    import torch

    import explainers.metrics.sanity as shared
    from explainers.metrics.sanity import cascading_randomisation
    from tests.image_method_models import models

    model = models()["quadrant_conv"]
    image = torch.rand(3, 16, 16, generator=torch.Generator().manual_seed(0))
    built, seen = [], []
    real = shared.randomise_
    monkeypatch.setattr(shared, "randomise_", lambda block, seed: (built.append(seed),
                                                                   real(block, seed)))
    reports = shared.cascading_randomisation_all(
        model, ["saliency", "integrated_gradients"], image, 0,
        params={"integrated_gradients": {"steps": 8, "adaptive": False}},
        on_block=lambda i, n, partial: seen.append((i, n, sorted(partial))))
    blocks = len(reports["saliency"].steps)
    assert built == list(range(blocks))  # once per block, not once per block and method
    assert seen[-1] == (blocks, blocks, ["integrated_gradients", "saliency"])
    alone = cascading_randomisation(model, "saliency", image, 0)
    assert [s.spearman for s in alone.steps] == pytest.approx(
        [s.spearman for s in reports["saliency"].steps])
    assert reports["saliency"].verdict is not None

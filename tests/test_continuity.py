"""Explanation continuity (Montavon et al. 2018): known answers for maps we can predict."""
from __future__ import annotations

import numpy as np
import torch

from explainers.metrics.continuity import continuity, shift


def blob(size: int = 28) -> torch.Tensor:
    yy, xx = torch.meshgrid(torch.arange(size), torch.arange(size), indexing="ij")
    grey = torch.exp(-((yy - 14.0) ** 2 + (xx - 12.0) ** 2) / 60)
    return grey.expand(3, -1, -1).clone()


def test_shift_moves_content_and_repeats_the_edge():
    row = np.arange(5.0)[None]
    assert shift(row, 2).tolist() == [[0, 0, 0, 1, 2]]
    assert shift(row, -1).tolist() == [[1, 2, 3, 4, 4]]


def test_a_map_that_is_the_input_is_continuous_and_moves_with_it():
    result = continuity(lambda x: x[0].numpy().copy(), blob(), grid=28)
    assert result.worst_ratio < 1.5 and result.mean_tracking < 0.05
    assert result.verdict.startswith("continuous")


def test_a_map_that_ignores_the_input_does_not_follow_it():
    fixed = blob()[0].numpy().copy()
    result = continuity(lambda x: fixed, blob(), grid=28)
    assert result.worst_ratio == 0 and result.mean_tracking > 0.99
    assert "does not follow" in result.verdict


def test_a_map_that_jumps_with_tiny_shifts_is_discontinuous():
    calls = iter(range(100))
    noise = lambda x: np.random.default_rng(next(calls)).random((28, 28))  # noqa: E731
    result = continuity(noise, blob(), grid=28)
    assert result.worst_ratio > 3 and result.verdict.startswith("discontinuous")
    assert len(result.steps) == 6 and {s.dx for s in result.steps} == {-3, -2, -1, 1, 2, 3}

"""Estimators of Shapley values for a game v over n players, each yielding its estimate as
evaluations arrive (the lesson draws them converging). ``v`` maps (K, n) bool coalitions
to (K,) float values; every estimator counts the coalitions it asks v about."""
from __future__ import annotations

from typing import Callable, Iterator

import numpy as np

from explainers.image.region_game import kernel_coalitions

Game = Callable[[np.ndarray], np.ndarray]
Estimate = tuple[int, np.ndarray]  # (evaluations so far, current estimate)


def permutation_estimates(v: Game, n: int, permutations: int,
                          rng: np.random.Generator) -> Iterator[Estimate]:
    """Permutation sampling (Castro et al. 2009): each ordering adds every player's marginal
    contribution; orderings come in antithetic pairs (a permutation, then its reverse)."""
    total, order = np.zeros(n), None
    for p in range(permutations):
        order = rng.permutation(n) if p % 2 == 0 else order[::-1]
        masks = np.zeros((n + 1, n), dtype=bool)
        for k, player in enumerate(order):
            masks[k + 1:, player] = True
        values = v(masks)
        total[order] += np.diff(values)
        yield (p + 1) * (n + 1), total / (p + 1)


def constrained_solve(a: np.ndarray, b: np.ndarray, gap: float) -> np.ndarray:
    """argmin phi^T A phi - 2 b^T phi  s.t.  1^T phi = gap: KernelSHAP's weighted least
    squares with the efficiency constraint (Covert & Lee 2021, sec. 3, the KKT solution)."""
    inv = np.linalg.pinv(a)
    ones = np.ones(len(b))
    return inv @ (b - ones * (ones @ inv @ b - gap) / max(ones @ inv @ ones, 1e-12))


def kernel_estimates(v: Game, n: int, samples: int, rng: np.random.Generator,
                     step: int = 32) -> Iterator[Estimate]:
    """KernelSHAP (Lundberg & Lee 2017) with coalitions drawn from the Shapley kernel in
    complementary pairs, so the regression weights are all one (Covert & Lee 2021)."""
    ends = v(np.stack([np.zeros(n, bool), np.ones(n, bool)]))
    a, b, drawn = np.zeros((n, n)), np.zeros(n), 0
    while drawn < samples:
        masks = kernel_coalitions(n, min(step, samples - drawn), rng)
        z = masks.astype(float)
        a += z.T @ z
        b += z.T @ (v(masks) - ends[0])
        drawn += len(masks)
        yield drawn + 2, constrained_solve(a / drawn, b / drawn, float(ends[1] - ends[0]))

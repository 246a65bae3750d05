"""The statistics of a probe over a data set: small functions over per-image arrays.

Percentile bootstrap intervals (Efron & Tibshirani 1993, ch. 13) over images, and a paired
sign-flip permutation test (Good 2005, "Permutation, Parametric and Bootstrap Tests",
section 3.1) of "the probe moves the prediction more than the placebo does", one-sided.
"""
from __future__ import annotations

import numpy as np

ROUNDS = 2000
LEVEL = 0.95


def bootstrap_ci(values: np.ndarray, seed: int = 0, rounds: int = ROUNDS,
                 level: float = LEVEL) -> np.ndarray:
    """(2,) or (2, K): the percentile interval of the mean over the first axis."""
    values = np.asarray(values, dtype=np.float64)
    if len(values) == 0:
        return np.full((2, *values.shape[1:]), np.nan)
    picks = np.random.default_rng(seed).integers(0, len(values), (rounds, len(values)))
    means = values[picks].mean(axis=1)
    tail = (1 - level) / 2 * 100
    return np.percentile(means, [tail, 100 - tail], axis=0)


def paired_p(probe: np.ndarray, placebo: np.ndarray, seed: int = 0,
             rounds: int = 10000) -> float:
    """One-sided p of mean(probe - placebo) > 0 under random sign flips of the differences
    (exchangeable under "the probe is no different from the placebo")."""
    diff = np.asarray(probe, np.float64) - np.asarray(placebo, np.float64)
    if len(diff) == 0:
        return float("nan")
    signs = np.random.default_rng(seed).choice([-1.0, 1.0], size=(rounds, len(diff)))
    null = (signs * diff).mean(axis=1)
    return float((1 + np.sum(null >= diff.mean() - 1e-15)) / (rounds + 1))


def shift(before: np.ndarray, after: np.ndarray) -> np.ndarray:
    """(N,) total variation distance between predicted distributions, in [0, 1]."""
    return 0.5 * np.abs(after.astype(np.float64) - before).sum(axis=1)


def flips(before: np.ndarray, after: np.ndarray) -> np.ndarray:
    """(N,) 1.0 where the top class changed."""
    return (before.argmax(axis=1) != after.argmax(axis=1)).astype(np.float64)


def ranks(probs: np.ndarray, classes: np.ndarray) -> np.ndarray:
    """(N, K) 1-based rank of each class in each image's prediction."""
    picked = np.take_along_axis(probs, np.broadcast_to(classes, (len(probs), len(classes))), 1)
    return 1 + (probs[:, None, :] > picked[..., None]).sum(axis=2)


def class_rows(before: np.ndarray, after: np.ndarray, placebo: np.ndarray,
               classes: np.ndarray, labels: tuple[str, ...], seed: int,
               toward: bool = True) -> list[dict]:
    """Per class: mean change of probability (points) with its CI, the placebo's change, the
    paired p against the placebo (one-sided: a larger rise, or with ``toward=False`` a larger
    fall, than the placebo's), and the median rank before and after."""
    delta, control = after[:, classes] - before[:, classes], placebo[:, classes] - before[:, classes]
    ci = bootstrap_ci(delta, seed)
    rank_before, rank_after = ranks(before, classes), ranks(after, classes)
    return [dict(index=int(c), label=labels[c], change=float(delta[:, i].mean()),
                 ci=[float(ci[0, i]), float(ci[1, i])], placebo_change=float(control[:, i].mean()),
                 p_vs_placebo=paired_p(*((delta[:, i], control[:, i]) if toward
                                         else (control[:, i], delta[:, i])), seed),
                 median_rank_before=float(np.median(rank_before[:, i])),
                 median_rank_after=float(np.median(rank_after[:, i])))
            for i, c in enumerate(classes)]


def pushed(before: np.ndarray, after: np.ndarray, top: int, toward: bool = True) -> np.ndarray:
    """The ``top`` classes whose mean probability the probe raises most (or lowers most)."""
    mean = (after.astype(np.float64) - before).mean(axis=0)
    order = np.argsort(-mean if toward else mean, kind="stable")
    return order[:top]

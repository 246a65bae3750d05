"""A localisation benchmark over cases with known masks, after Saporta et al. 2022
("Benchmarking saliency methods for chest X-ray interpretation", Nat. Mach. Intell.):
each method explains the finding's class on every case, each map is scored against the
case's mask, and each score gets its mean with a bootstrap 95% confidence interval.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Iterable

import numpy as np
import torch

from explainers.metrics.localisation import SCORE_NAMES, localisation_scores
from explainers.run import explain
from model_zoo import ImageClassifier

BOOTSTRAP_RESAMPLES = 1000


@dataclass(frozen=True)
class Case:
    """One input (3, H, W) in [0, 1] and its ground-truth mask (H, W)."""

    image: torch.Tensor
    mask: np.ndarray


@dataclass(frozen=True)
class MethodSummary:
    method: str
    cases: int
    seconds_per_case: float
    mean: dict[str, float]
    ci_low: dict[str, float]
    ci_high: dict[str, float]
    per_case: dict[str, list[float]] = field(repr=False, default_factory=dict)


def bootstrap_ci(values: np.ndarray, resamples: int = BOOTSTRAP_RESAMPLES, seed: int = 0,
                 level: float = 0.95) -> tuple[float, float, float]:
    """Mean and the percentile bootstrap interval of the mean (Efron & Tibshirani 1993, 13.3)."""
    values = np.asarray(values, dtype=np.float64)
    rng = np.random.default_rng(seed)
    means = values[rng.integers(0, len(values), (resamples, len(values)))].mean(axis=1)
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(means, [tail, 100 - tail])
    return float(values.mean()), float(low), float(high)


def summarise(method: str, per_case: dict[str, list[float]], seconds: float) -> MethodSummary:
    stats = {name: bootstrap_ci(np.array(v)) for name, v in per_case.items()}
    cases = len(next(iter(per_case.values())))
    return MethodSummary(method, cases, seconds / max(cases, 1),
                         {k: round(s[0], 4) for k, s in stats.items()},
                         {k: round(s[1], 4) for k, s in stats.items()},
                         {k: round(s[2], 4) for k, s in stats.items()}, per_case)


def benchmark_method(model: ImageClassifier, method: str, cases: Iterable[Case], target: int,
                     params: dict[str, Any] | None = None) -> MethodSummary:
    """Scores of one method's maps for ``target`` over all cases."""
    per_case: dict[str, list[float]] = {name: [] for name in SCORE_NAMES}
    started = time.perf_counter()
    for case in cases:
        result = explain(model, method, case.image, target=target, **(params or {}))
        scores = localisation_scores(result.scores, case.mask).as_dict()
        for name in SCORE_NAMES:
            per_case[name].append(scores[name])
    return summarise(method, per_case, time.perf_counter() - started)


def summary_row(summary: MethodSummary) -> dict[str, Any]:
    """A JSON-ready row: the method, cost, and each score as [mean, low, high]."""
    return dict(method=summary.method, cases=summary.cases,
                seconds_per_case=round(summary.seconds_per_case, 4),
                **{name: [summary.mean[name], summary.ci_low[name], summary.ci_high[name]]
                   for name in SCORE_NAMES})

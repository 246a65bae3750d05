"""TCAV (Kim et al. 2018) over activations read once: every run only fits a linear model.

Run r splits the random pool (seeded) into halves A_r and B_r. The concept's CAV is fitted
against A_r, a null CAV is fitted between B_r and A_r (random against random), and both
score the class's gradients. The concept's scores over runs are t-tested against the nulls.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

import numpy as np

from explainers.concepts.cav import Cav, fit_cav, tcav_score
from explainers.concepts.significance import ALPHA, t_test
from explainers.progress import report

RUNS = 10
# A CAV whose held-out accuracy is near chance separates nothing: its direction is noise
# and its score means nothing (Kim et al. 2018, sec. 3.2). Random sets scored 0.42-0.53
# against random sets (20 sets, 10 runs, tests' model); concepts 0.78-1.0.
ACCURACY_FLOOR = 0.65
SHOWN = 5  # class images shown at each end of a concept's ranking
RANDOM = "random images"


@dataclass(frozen=True)
class ConceptScore:
    """One concept's TCAV scores and CAV accuracies over runs, its test, and its ranking."""

    concept: str
    scores: np.ndarray
    accuracies: np.ndarray
    p_value: float
    significant: bool  # p < alpha and the CAV separates the concept (accuracy >= floor)
    separable: bool
    highest: np.ndarray  # indices of the class images most aligned with the mean CAV
    lowest: np.ndarray

    @property
    def mean(self) -> float:
        return float(self.scores.mean())

    @property
    def accuracy(self) -> float:
        return float(self.accuracies.mean())

    @property
    def verdict(self) -> str:
        if not self.separable:
            return f"not a concept here (CAV accuracy {self.accuracy:.0%}, near chance)"
        if not self.significant:
            return f"not significant (p = {self.p_value:.3g})"
        return f"significant (p = {self.p_value:.3g})"


@dataclass(frozen=True)
class TcavResult:
    layer: str
    target: int
    concepts: tuple[ConceptScore, ...]
    null_scores: np.ndarray
    null_accuracies: np.ndarray
    runs: int
    alpha: float
    first_run_seconds: float  # includes nothing read before: activations come in ready
    other_runs_seconds: float  # mean of runs 2..R
    against: str = RANDOM  # what each CAV separates its concept from


def _halves(pool_size: int, seed: int, run: int) -> tuple[np.ndarray, np.ndarray]:
    order = np.random.default_rng([seed, run]).permutation(pool_size)
    return order[: pool_size // 2], order[pool_size // 2:]


def null_cav(pool: np.ndarray, seed: int, run: int) -> tuple[np.ndarray, Cav]:
    """Run ``run``'s random half A_r (the concepts' negatives) and the CAV of B_r against it."""
    negatives, others = _halves(len(pool), seed, run)
    return negatives, fit_cav(pool[others], pool[negatives], seed * 1000 + run)


def _ranking(class_acts: np.ndarray, cavs: list[Cav]) -> tuple[np.ndarray, np.ndarray]:
    """Class images by cosine similarity to the mean CAV (Kim et al. 2018, sec. 4.1)."""
    mean = np.mean([c.vector for c in cavs], axis=0)
    norms = np.linalg.norm(class_acts, axis=1) * (np.linalg.norm(mean) or 1.0)
    order = np.argsort(-(class_acts @ mean) / np.maximum(norms, 1e-12), kind="stable")
    shown = min(SHOWN, len(order) // 2)
    return order[:shown], order[::-1][:shown]


def concept_score(name: str, cavs: list[Cav], class_acts: np.ndarray, class_grads: np.ndarray,
                  null_scores: np.ndarray, alpha: float) -> ConceptScore:
    """One concept's scores over its runs' CAVs, t-tested against the random CAVs' scores."""
    scores = np.array([tcav_score(class_grads, c) for c in cavs])
    test = t_test(scores, null_scores, alpha)
    highest, lowest = _ranking(class_acts, cavs)
    accuracies = np.array([c.accuracy for c in cavs])
    separable = bool(accuracies.mean() >= ACCURACY_FLOOR)
    return ConceptScore(name, scores, accuracies, test.p_value, test.significant and separable,
                        separable, highest, lowest)


RunFits = Callable[[int], tuple[list[Cav], Cav]]  # run -> (a CAV per concept, the null CAV)


def tcav_runs(fits: RunFits, names: list[str], class_acts: np.ndarray, class_grads: np.ndarray,
              layer: str, target: int, runs: int, alpha: float, against: str) -> TcavResult:
    """Fit every run's CAVs (timed), then score and test each concept against the nulls."""
    if runs < 2:
        raise ValueError("TCAV needs at least 2 runs for its t-test (10 or more is usual)")
    per_run, nulls, seconds = [], [], []
    for run in range(runs):
        started = time.perf_counter()
        cavs, null = fits(run)
        seconds.append(time.perf_counter() - started)
        per_run.append(cavs)
        nulls.append(null)
        report((run + 1) / runs, f"run {run + 1}/{runs}")
    null_scores = np.array([tcav_score(class_grads, c) for c in nulls])
    results = tuple(concept_score(name, [cavs[k] for cavs in per_run], class_acts, class_grads,
                                  null_scores, alpha) for k, name in enumerate(names))
    return TcavResult(layer, target, results, null_scores, np.array([c.accuracy for c in nulls]),
                      runs, alpha, seconds[0], float(np.mean(seconds[1:])), against)


def tcav(class_acts: np.ndarray, class_grads: np.ndarray, concepts: dict[str, np.ndarray],
         pool: np.ndarray, layer: str, target: int, runs: int = RUNS, seed: int = 0,
         alpha: float = ALPHA) -> TcavResult:
    """TCAV of each concept for ``target`` at ``layer``, from (N, D) activations and gradients."""

    def fits(run: int) -> tuple[list[Cav], Cav]:
        negatives, null = null_cav(pool, seed, run)
        return [fit_cav(acts, pool[negatives], seed * 1000 + run)
                for acts in concepts.values()], null

    return tcav_runs(fits, list(concepts), class_acts, class_grads, layer, target, runs, alpha,
                     RANDOM)

"""Relative TCAV (Kim et al. 2018, sec. 3.2, "relative CAVs"): one concept against another.

Against random images, a CAV may only say "a plain natural background"; fitted between two
concepts (meadow against dunes) it points from one to the other, and its TCAV score says
which of the two raises the class. Both sets are fixed, so each run fits on another seeded
subsample of each (SUBSAMPLE of its images) with another train/test split; significance is
tested against the same random-vs-random CAVs as plain TCAV.
"""
from __future__ import annotations

import numpy as np

from explainers.concepts.cav import Cav, fit_cav
from explainers.concepts.significance import ALPHA
from explainers.concepts.tcav import RUNS, TcavResult, null_cav, tcav_runs

SUBSAMPLE = 0.8  # of each concept's images per run


def relative_name(concept: str, reference: str) -> str:
    return f"{concept} vs {reference}"


def check_reference(name: str, concepts) -> None:
    if name in concepts:
        raise ValueError(f"compare {name!r} with another concept, not with itself")


def _subsample(images: np.ndarray, seed: int, run: int, side: int) -> np.ndarray:
    keep = max(2, int(round(SUBSAMPLE * len(images))))
    rng = np.random.default_rng([seed, run, side, 17])
    return images[np.sort(rng.choice(len(images), keep, replace=False))]


def relative_tcav(class_acts: np.ndarray, class_grads: np.ndarray,
                  concepts: dict[str, np.ndarray], reference: tuple[str, np.ndarray],
                  pool: np.ndarray, layer: str, target: int, runs: int = RUNS, seed: int = 0,
                  alpha: float = ALPHA) -> TcavResult:
    """TCAV of each concept's CAV against ``reference`` (name, (M, D) activations).

    A score above the random CAVs' means the class leans toward the concept rather than the
    reference; below, toward the reference.
    """
    name, against = reference
    check_reference(name, concepts)

    def fits(run: int) -> tuple[list[Cav], Cav]:
        negatives = _subsample(against, seed, run, 0)
        cavs = [fit_cav(_subsample(acts, seed, run, k + 1), negatives, seed * 1000 + run)
                for k, acts in enumerate(concepts.values())]
        return cavs, null_cav(pool, seed, run)[1]

    names = [relative_name(c, name) for c in concepts]
    return tcav_runs(fits, names, class_acts, class_grads, layer, target, runs, alpha, name)

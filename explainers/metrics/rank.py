"""Spearman rank correlation between attribution maps (agreement, sanity checks)."""
from __future__ import annotations

import numpy as np


def ranks(values: np.ndarray) -> np.ndarray:
    """Average ranks of a flattened array (ties share their mean rank)."""
    from scipy.stats import rankdata

    return rankdata(np.asarray(values, dtype=np.float64).ravel())


def spearman(a: np.ndarray, b: np.ndarray) -> float:
    """Spearman's rho of two maps of equal size; 0.0 when either is constant."""
    ra, rb = ranks(a), ranks(b)
    if ra.shape != rb.shape:
        raise ValueError(f"maps differ in size: {np.shape(a)} vs {np.shape(b)}")
    ra -= ra.mean()
    rb -= rb.mean()
    denom = np.sqrt((ra * ra).sum() * (rb * rb).sum())
    return float((ra * rb).sum() / denom) if denom > 0 else 0.0


def spearman_matrix(maps: list[np.ndarray]) -> np.ndarray:
    """(n, n) matrix of pairwise Spearman correlations, ones on the diagonal."""
    centred = []
    for m in maps:
        r = ranks(m)
        r -= r.mean()
        norm = np.sqrt((r * r).sum())
        centred.append(r / norm if norm > 0 else r)
    stacked = np.stack(centred)
    matrix = stacked @ stacked.T
    np.fill_diagonal(matrix, 1.0)
    return matrix

"""Noisy linear imputation of removed pixels (Rong et al. 2022, ROAD, sec. 4, eq. 4-5).

Each removed pixel takes the weighted mean of its 8 neighbours (direct ones 1/6, diagonal
ones 1/12), known neighbours fixed, removed ones unknown: one sparse linear system per
mask, solved for the three channels at once. Scaling each row by its valid neighbours'
weight sum makes the matrix a Dirichlet graph Laplacian: symmetric and positive definite
whenever some pixel is kept. Small Gaussian noise is added to the imputed values so that
the removal pattern does not show as perfectly smooth patches (the paper's "noisy").
Our own vectorised assembly (no Python loop over pixels); solver: scipy's SuperLU.
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import spsolve

NEIGHBOURS = ((-1, 0, 1 / 6), (1, 0, 1 / 6), (0, -1, 1 / 6), (0, 1, 1 / 6),
              (-1, -1, 1 / 12), (-1, 1, 1 / 12), (1, -1, 1 / 12), (1, 1, 1 / 12))
NOISE_STD = 0.01  # in [0, 1] pixel units, added to the imputed pixels only


def imputation_system(removed: np.ndarray) -> tuple[sp.csc_matrix, list, np.ndarray]:
    """The (unknown x unknown) matrix, the known-neighbour couplings, and unknown positions.

    ``removed`` is an (h, w) boolean mask. Couplings are (unknown row, known flat index,
    weight) arrays that turn an image into the right-hand side.
    """
    h, w = removed.shape
    flat = np.flatnonzero(removed.ravel())
    index = np.full(h * w, -1, dtype=np.int64)
    index[flat] = np.arange(flat.size)
    rows, cols = np.divmod(flat, w)
    diagonal = np.zeros(flat.size)
    entries, couplings = [], []
    for dr, dc, weight in NEIGHBOURS:
        r, c = rows + dr, cols + dc
        inside = (r >= 0) & (r < h) & (c >= 0) & (c < w)
        me, other = np.flatnonzero(inside), (r * w + c)[inside]
        diagonal[me] += weight
        unknown = index[other] >= 0
        entries.append((me[unknown], index[other[unknown]], np.full(unknown.sum(), -weight)))
        couplings.append((me[~unknown], other[~unknown], weight))
    i = np.concatenate([e[0] for e in entries] + [np.arange(flat.size)])
    j = np.concatenate([e[1] for e in entries] + [np.arange(flat.size)])
    v = np.concatenate([e[2] for e in entries] + [diagonal])
    matrix = sp.csc_matrix((v, (i, j)), shape=(flat.size, flat.size))
    return matrix, couplings, flat


def impute(image: np.ndarray, removed: np.ndarray, noise: float = NOISE_STD,
           seed: int = 0) -> np.ndarray:
    """``image`` (C, h, w) with the ``removed`` (h, w) pixels filled from their neighbours."""
    if not removed.any():
        return image.copy()
    if removed.all():
        raise ValueError("cannot impute an image with every pixel removed")
    channels = image.reshape(image.shape[0], -1).astype(np.float64)
    matrix, couplings, flat = imputation_system(removed)
    rhs = np.zeros((flat.size, channels.shape[0]))
    for me, other, weight in couplings:
        np.add.at(rhs, me, weight * channels[:, other].T)
    solved = np.asarray(spsolve(matrix, rhs)).reshape(flat.size, -1)
    if noise:
        solved = solved + np.random.default_rng(seed).normal(0.0, noise, solved.shape)
    out = channels.copy()
    out[:, flat] = solved.T
    return out.reshape(image.shape).astype(image.dtype)

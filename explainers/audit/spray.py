"""Spectral relevance analysis, SpRAy (Lapuschkin et al. 2019, "Unmasking Clever Hans
predictors and assessing what machines really learn"), as small steps over arrays.

maps -> downsampled, L1-normalised vectors -> symmetric k-nearest-neighbour affinity ->
symmetric normalised Laplacian L = I - D^-1/2 A D^-1/2 -> smallest eigenpairs -> the
largest eigengap proposes the number of clusters -> k-means on the row-normalised
eigenvectors (Ng, Jordan & Weiss 2001) and a 2-D Laplacian eigenmap of the same spectrum. The same
chain as corelay's ``pipeline/spectral.py``; the maths is scipy's and scikit-learn's.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from scipy import sparse
from scipy.linalg import eigh
from scipy.sparse.csgraph import laplacian

SIDE = 16
NEIGHBOURS = 10
MAX_CLUSTERS = 8


def preprocess(maps: np.ndarray, side: int = SIDE) -> np.ndarray:
    """(n, H, W) -> (n, side*side): positive part, area-pooled, each row summing to 1."""
    x = torch.from_numpy(np.clip(maps, 0, None).astype(np.float32))[:, None]
    if x.shape[-1] != side:
        x = F.adaptive_avg_pool2d(x, side)
    flat = x.flatten(1).numpy().astype(np.float64)
    return flat / np.maximum(flat.sum(1, keepdims=True), 1e-12)


def knn_affinity(features: np.ndarray, k: int = NEIGHBOURS) -> sparse.csr_matrix:
    """Binary k-nearest-neighbour graph (Euclidean), made symmetric by ``max(A, A^T)``."""
    from sklearn.neighbors import kneighbors_graph

    k = max(1, min(k, len(features) - 1))
    graph = kneighbors_graph(features, k, mode="connectivity", include_self=False)
    return graph.maximum(graph.T).tocsr()


def spectrum(affinity: sparse.csr_matrix, count: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``count`` smallest eigenvalues and eigenvectors of the normalised Laplacian."""
    lap = laplacian(affinity.astype(np.float64), normed=True).toarray()
    count = min(count, len(lap))
    values, vectors = eigh(lap, subset_by_index=[0, count - 1])
    return np.clip(values, 0, None), vectors


def eigengap(values: np.ndarray, max_clusters: int = MAX_CLUSTERS) -> int:
    """k in 2..max with the largest gap lambda_{k+1} - lambda_k (1-based eigenvalues)."""
    top = min(max_clusters, len(values) - 1)
    if top < 2:
        return 1
    gaps = np.diff(values[:top + 1])  # gaps[k-1] = lambda_{k+1} - lambda_k
    return int(np.argmax(gaps[1:top]) + 2)


def cluster(vectors: np.ndarray, k: int, seed: int) -> np.ndarray:
    """k-means on the first k eigenvectors, rows normalised to unit length."""
    from sklearn.cluster import KMeans

    if k <= 1:
        return np.zeros(len(vectors), dtype=np.int64)
    rows = vectors[:, :k] / np.maximum(np.linalg.norm(vectors[:, :k], axis=1, keepdims=True), 1e-12)
    return KMeans(k, n_init=4, random_state=seed).fit_predict(rows).astype(np.int64)


def embed_2d(vectors: np.ndarray, seed: int) -> np.ndarray:
    """2-D Laplacian eigenmap: the eigenvectors 2 and 3, each scaled to unit spread.

    Not t-SNE: sklearn's t-SNE took 30 s of CPU for 500 maps on our 2 shared cores, the
    whole rest of SpRAy 5 s. A seeded jitter of 1% keeps identical maps hoverable apart.
    """
    coords = np.zeros((len(vectors), 2))
    picked = vectors[:, 1:3]
    coords[:, :picked.shape[1]] = picked / np.maximum(picked.std(0), 1e-12)
    return coords + np.random.default_rng(seed).normal(0, 0.01, coords.shape)


@dataclass(frozen=True)
class Spectral:
    """One class's SpRAy: eigenvalues, proposed k, cluster of each item, 2-D coordinates."""

    eigenvalues: np.ndarray
    k: int
    clusters: np.ndarray
    coords: np.ndarray
    features: np.ndarray
    affinity: sparse.csr_matrix


def spray(maps: np.ndarray, seed: int = 0, k: int | None = None,
          neighbours: int = NEIGHBOURS, max_clusters: int = MAX_CLUSTERS) -> Spectral:
    """The whole chain for one class's maps; ``k`` overrides the eigengap's proposal."""
    features = preprocess(maps)
    affinity = knn_affinity(features, neighbours)
    values, vectors = spectrum(affinity, max_clusters + 1)
    chosen = eigengap(values, max_clusters) if k is None else int(k)
    return Spectral(values, chosen, cluster(vectors, chosen, seed), embed_2d(vectors, seed),
                    features, affinity)

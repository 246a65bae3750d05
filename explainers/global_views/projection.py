"""Project pooled activations to 2-D or 3-D: PCA, t-SNE (scikit-learn) or UMAP (umap-learn).

t-SNE and UMAP first reduce to at most 50 principal components, the usual step that
removes noise dimensions and makes neighbour search cheap (van der Maaten & Hinton 2008,
section 5). Everything is seeded, so the same seed gives the same picture.
"""
from __future__ import annotations

import time
import warnings
from dataclasses import dataclass

import numpy as np

from explainers.progress import report

METHODS = ("pca", "tsne", "umap")
PRE_PCA = 50


@dataclass(frozen=True)
class Projection:
    coords: np.ndarray  # (N, dims) float32
    method: str
    seconds: float


def principal(features: np.ndarray, dims: int, seed: int) -> np.ndarray:
    from sklearn.decomposition import PCA

    dims = min(dims, *features.shape)
    return PCA(n_components=dims, svd_solver="full", random_state=seed).fit_transform(features)


def tsne(features: np.ndarray, dims: int, seed: int) -> np.ndarray:
    from sklearn.manifold import TSNE

    perplexity = float(min(30.0, (len(features) - 1) / 3))
    return TSNE(n_components=dims, perplexity=perplexity, init="pca", random_state=seed,
                method="barnes_hut" if dims < 4 else "exact").fit_transform(features)


def umap_embed(features: np.ndarray, dims: int, seed: int) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "n_jobs overridden by random_state": wanted, for determinism
        import umap

        neighbours = int(min(15, len(features) - 1))
        return umap.UMAP(n_components=dims, n_neighbors=neighbours, random_state=seed,
                         init="spectral" if len(features) > dims + 1 else "random",
                         ).fit_transform(features)


def pad_columns(coords: np.ndarray, dims: int) -> np.ndarray:
    """Zero columns when there were fewer points or features than dimensions asked for."""
    if coords.shape[1] >= dims:
        return coords
    return np.hstack([coords, np.zeros((len(coords), dims - coords.shape[1]))])


def project(features: np.ndarray, method: str = "pca", dims: int = 2, seed: int = 0) -> Projection:
    """(N, D) features -> (N, dims) coordinates by ``method``."""
    if method not in METHODS:
        raise ValueError(f"unknown projection {method!r}; choose one of {', '.join(METHODS)}")
    if dims not in (2, 3):
        raise ValueError("project to 2 or 3 dimensions")
    n = len(features)
    if method != "pca" and n < 5:
        raise ValueError(f"{method} needs at least 5 points; this data set has {n}")
    started = time.perf_counter()
    x = np.asarray(features, dtype=np.float64)
    x = x - x.mean(0)
    report(0.0, f"{method} on {n} points")
    if method == "pca":
        coords = principal(x, dims, seed)
    else:
        reduced = principal(x, PRE_PCA, seed) if x.shape[1] > PRE_PCA else x
        coords = (tsne if method == "tsne" else umap_embed)(reduced, dims, seed)
    report(1.0, f"{method} done")
    return Projection(pad_columns(np.asarray(coords), dims).astype(np.float32), method,
                      time.perf_counter() - started)

"""How far a map moved (Ghorbani et al. 2019, sec. 4): top-k intersection, Spearman's rank
correlation and the shift of the centre of mass, all on the maps' magnitudes."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from explainers.metrics.rank import spearman

TOP_K = 1000  # pixels, as Ghorbani et al. for ImageNet-sized inputs (2% of 224 x 224)


def top_k_mask(scores: np.ndarray, k: int = TOP_K) -> np.ndarray:
    """Boolean mask of the k largest |scores| (ties broken by position, stable)."""
    flat = np.abs(np.asarray(scores, np.float64)).ravel()
    mask = np.zeros(flat.shape, bool)
    mask[np.argsort(-flat, kind="stable")[:k]] = True
    return mask.reshape(np.shape(scores))


def top_k_intersection(a: np.ndarray, b: np.ndarray, k: int = TOP_K) -> float:
    """Share of a's top-k pixels that are also among b's top k (1 = unchanged)."""
    k = min(k, np.size(a))
    return float((top_k_mask(a, k) & top_k_mask(b, k)).sum() / k)


def centre_of_mass(scores: np.ndarray) -> np.ndarray:
    """(row, column) of the |map|'s centre of mass, in pixels; the centre if it is all zero."""
    mass = np.abs(np.asarray(scores, np.float64))
    total = mass.sum()
    if total <= 0:
        return (np.array(mass.shape, float) - 1) / 2
    rows, cols = np.indices(mass.shape)
    return np.array([(rows * mass).sum(), (cols * mass).sum()]) / total


@dataclass(frozen=True)
class MapChange:
    top_k_intersection: float
    spearman: float
    centre_shift: float  # pixels

    def as_dict(self) -> dict[str, float]:
        return {"top_k_intersection": round(self.top_k_intersection, 4),
                "spearman": round(self.spearman, 4), "centre_of_mass_shift": round(self.centre_shift, 2)}


def map_change(before: np.ndarray, after: np.ndarray, k: int = TOP_K) -> MapChange:
    return MapChange(top_k_intersection(before, after, k),
                     spearman(np.abs(before), np.abs(after)),
                     float(np.linalg.norm(centre_of_mass(before) - centre_of_mass(after))))

"""Maps of one method that barely differ between classes (Grad-CAM's known last-layer limit).

At the last convolutional layer the activations are shared by every class and the class only
weights the channels; when one channel group dominates, the map is the same whatever class
is asked (Selvaraju et al. 2017 show class-discriminative maps for two distant classes only).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SAME_RHO = 0.9


@dataclass(frozen=True)
class SimilarPair:
    method: str
    targets: tuple[int, int]
    rho: float


def similar_class_pairs(cells: list[tuple[str, int]], matrix: np.ndarray,
                        threshold: float = SAME_RHO) -> list[SimilarPair]:
    """Pairs of panels of the same method for different classes with Spearman rho > threshold.

    ``cells`` are the (method, target) panels in the order of ``matrix``'s rows.
    """
    pairs = []
    for i, (m1, t1) in enumerate(cells):
        for j in range(i + 1, len(cells)):
            m2, t2 = cells[j]
            if m1 == m2 and t1 != t2 and matrix[i, j] > threshold:
                pairs.append(SimilarPair(m1, (t1, t2), float(matrix[i, j])))
    return pairs

"""What an attack on a map minimises (Ghorbani et al. 2019, sec. 3), on the map's magnitude
normalised to sum to one, so the objectives are shares of the map's mass."""
from __future__ import annotations

from typing import Callable

import numpy as np
import torch

from explainers.fragility.metrics import TOP_K, centre_of_mass, top_k_mask

KINDS = {"top_k": "Top-k: push the map off its original top-k pixels",
         "centre": "Centre of mass: move the map's centre as far as possible",
         "target": "Targeted: pull the map into a region you pick"}
Objective = Callable[[torch.Tensor], torch.Tensor]


def mass(scores: torch.Tensor) -> torch.Tensor:
    magnitude = scores.abs()
    return magnitude / (magnitude.sum() + 1e-12)


def top_k_objective(original: np.ndarray, k: int = TOP_K) -> Objective:
    """The share of the map on the original top-k pixels (eq. 4 of Ghorbani et al.)."""
    mask = torch.from_numpy(top_k_mask(original, k)).float()
    return lambda scores: (mass(scores) * mask).sum()


def centre_objective(original: np.ndarray) -> Objective:
    """Minus the distance of the centre of mass from the original's (sec. 3, 'mass-center')."""
    start = torch.from_numpy(centre_of_mass(original)).float()
    rows, cols = (torch.from_numpy(a).float() for a in np.indices(original.shape))
    diagonal = float(np.hypot(*original.shape))

    def objective(scores: torch.Tensor) -> torch.Tensor:
        p = mass(scores)
        centre = torch.stack([(p * rows).sum(), (p * cols).sum()])
        return -torch.linalg.vector_norm(centre - start) / diagonal

    return objective


def region_mask(shape: tuple[int, int], region: tuple[float, float, float, float]) -> np.ndarray:
    """Boolean mask of (top, left, bottom, right), each a fraction of the height/width."""
    top, left, bottom, right = region
    if not (0 <= top < bottom <= 1 and 0 <= left < right <= 1):
        raise ValueError(f"region {region} is not (top, left, bottom, right) within 0..1")
    h, w = shape
    mask = np.zeros(shape, bool)
    mask[int(top * h):max(int(bottom * h), int(top * h) + 1),
         int(left * w):max(int(right * w), int(left * w) + 1)] = True
    return mask


def target_objective(shape: tuple[int, int], region: tuple[float, float, float, float]) -> Objective:
    """Minus the share of the map inside the region (a targeted attack, Dombrowski et al.)."""
    mask = torch.from_numpy(region_mask(shape, region)).float()
    return lambda scores: -(mass(scores) * mask).sum()


def make_objective(kind: str, original: np.ndarray, k: int = TOP_K,
                   region: tuple[float, float, float, float] | None = None) -> Objective:
    if kind == "top_k":
        return top_k_objective(original, k)
    if kind == "centre":
        return centre_objective(original)
    if kind == "target":
        if region is None:
            raise ValueError("a targeted attack needs a region (top, left, bottom, right)")
        return target_objective(original.shape, region)
    raise ValueError(f"unknown attack {kind!r}; choose one of {', '.join(KINDS)}")

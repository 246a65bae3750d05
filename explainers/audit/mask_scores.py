"""Where an attribution map puts its weight relative to the object's mask.

Relevance mass accuracy (Arras, Osman & Samek 2022, "CLEVR-XAI", eq. 6): the share of the
positive relevance that falls inside the ground-truth mask, R_within / R_total. Pointing
game (Zhang et al. 2018): does the map's maximum fall on the object? The background share
is 1 - relevance mass accuracy; the object's area share is what a uniform map would score.
"""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

TINY = 1e-12


def resize_masks(masks: torch.Tensor, size: tuple[int, int]) -> torch.Tensor:
    """(N, H, W) bool -> (N, h, w) bool, a pixel on the object if most of its area is."""
    if tuple(masks.shape[-2:]) == tuple(size):
        return masks.bool()
    area = F.interpolate(masks[:, None].float(), size=size, mode="area" if
                         masks.shape[-1] >= size[-1] else "bilinear")
    return area[:, 0] >= 0.5


def relevance_mass_accuracy(maps: torch.Tensor, masks: torch.Tensor) -> torch.Tensor:
    """(N,) positive mass inside the mask / total positive mass (0 for an all-zero map)."""
    positive = maps.clamp(min=0).flatten(1)
    inside = (positive * masks.flatten(1).float()).sum(1)
    return inside / positive.sum(1).clamp(min=TINY)


def pointing_hits(maps: torch.Tensor, masks: torch.Tensor) -> torch.Tensor:
    """(N,) bool: the map's maximum lies on the object (first maximum on ties)."""
    top = maps.flatten(1).argmax(dim=1)
    return masks.flatten(1).gather(1, top[:, None])[:, 0].bool()


def area_share(masks: torch.Tensor) -> torch.Tensor:
    """(N,) the object's share of the image: a uniform map's relevance mass accuracy."""
    return masks.flatten(1).float().mean(1)


def class_means(values: np.ndarray, labels: np.ndarray, classes: int) -> np.ndarray:
    """Per-class mean of a per-item value (NaN for a class with no items)."""
    out = np.full(classes, np.nan)
    for c in range(classes):
        if (labels == c).any():
            out[c] = float(np.mean(values[labels == c]))
    return out

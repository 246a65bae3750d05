"""Does a map land on the finding? Localisation scores of one map against a ground-truth mask.

- pointing game (Zhang et al. 2018, "Top-down neural attention by excitation backprop"):
  a hit when a maximum of the map lies inside the mask (ties count as in quantus).
- energy-based pointing game (Wang et al. 2020, Score-CAM, sec. 5.2): the share of the map's
  positive energy inside the mask, sum(E * M) / sum(E), E the map's positive part.
- relevance mass (Arras et al. 2022, CLEVR-XAI, eq. 1) on |map|: the share of the total
  attribution magnitude that falls inside the mask, so a signed map's negative evidence
  placed elsewhere counts against it.
- IoU of the map binarised by Otsu's threshold, and of its top k% pixels (the CheXlocalize
  protocol, Saporta et al. 2022: positive part min-max normalised, then thresholded).
Every score is in [0, 1], higher is better; a map with no positive part scores 0.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from skimage.filters import threshold_otsu

TOP_K_PERCENT = 10.0
SCORE_NAMES = ("pointing_game", "energy_pointing_game", "relevance_mass", "iou_otsu", "iou_top_k")


@dataclass(frozen=True)
class LocalisationScores:
    pointing_game: float
    energy_pointing_game: float
    relevance_mass: float
    iou_otsu: float
    iou_top_k: float
    top_k_percent: float = TOP_K_PERCENT

    def as_dict(self) -> dict[str, float]:
        return {k: round(float(v), 6) for k, v in asdict(self).items()}


def _checked(scores: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    scores, mask = np.asarray(scores, dtype=np.float64), np.asarray(mask, dtype=bool)
    if scores.shape != mask.shape:
        raise ValueError(f"the map is {scores.shape} but the mask is {mask.shape}")
    if not mask.any():
        raise ValueError("the mask is empty: it marks no pixel")
    return scores, mask


def pointing_game(scores: np.ndarray, mask: np.ndarray) -> float:
    scores, mask = _checked(scores, mask)
    return float(np.any(mask & (scores == scores.max())))


def _share_inside(weights: np.ndarray, mask: np.ndarray) -> float:
    total = weights.sum()
    return float(weights[mask].sum() / total) if total > 0 else 0.0


def energy_pointing_game(scores: np.ndarray, mask: np.ndarray) -> float:
    scores, mask = _checked(scores, mask)
    return _share_inside(np.clip(scores, 0, None), mask)


def relevance_mass(scores: np.ndarray, mask: np.ndarray) -> float:
    scores, mask = _checked(scores, mask)
    return _share_inside(np.abs(scores), mask)


def iou(a: np.ndarray, b: np.ndarray) -> float:
    union = np.logical_or(a, b).sum()
    return float(np.logical_and(a, b).sum() / union) if union else 0.0


def normalised_positive(scores: np.ndarray) -> np.ndarray:
    """The positive part min-max scaled to [0, 1] (CheXlocalize's first step)."""
    positive = np.clip(scores, 0, None)
    peak = positive.max()
    return positive / peak if peak > 0 else positive


def otsu_region(scores: np.ndarray) -> np.ndarray:
    """Pixels above Otsu's threshold of the normalised positive map (none if it is flat)."""
    grey = normalised_positive(np.asarray(scores, dtype=np.float64))
    if grey.max() == grey.min():
        return np.zeros(grey.shape, dtype=bool)
    return grey > threshold_otsu(grey)


def top_k_region(scores: np.ndarray, percent: float = TOP_K_PERCENT) -> np.ndarray:
    """The ``percent`` % highest-scoring pixels (ties broken by raster order, stably)."""
    flat = np.asarray(scores, dtype=np.float64).ravel()
    k = max(1, int(round(flat.size * percent / 100)))
    region = np.zeros(flat.size, dtype=bool)
    region[np.argsort(-flat, kind="stable")[:k]] = True
    return region.reshape(np.shape(scores))


def localisation_scores(scores: np.ndarray, mask: np.ndarray,
                        top_k_percent: float = TOP_K_PERCENT) -> LocalisationScores:
    """All five scores of one map against one mask of the same shape."""
    scores, mask = _checked(scores, mask)
    positive = np.clip(scores, 0, None)
    return LocalisationScores(
        pointing_game=pointing_game(scores, mask),
        energy_pointing_game=energy_pointing_game(scores, mask),
        relevance_mass=relevance_mass(scores, mask),
        iou_otsu=iou(otsu_region(scores), mask),
        iou_top_k=iou(top_k_region(positive, top_k_percent) & (positive > 0), mask),
        top_k_percent=top_k_percent)

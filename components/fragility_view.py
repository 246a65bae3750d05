"""Fragility views: the pair of images, their difference amplified, both maps, the numbers."""
from __future__ import annotations

import numpy as np

from components.overlay import overlay

AMPLIFY = 10  # the difference is at most epsilon (8/255): amplified to be seen


def difference_image(original: np.ndarray, attacked: np.ndarray, gain: int = AMPLIFY) -> np.ndarray:
    """Mid-grey plus the amplified signed difference, per channel."""
    diff = attacked.astype(np.int16) - original.astype(np.int16)
    return np.clip(128 + gain * diff, 0, 255).astype(np.uint8)


def map_view(rgb: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """An overlay of |scores| (magnitudes are what the measures compare)."""
    return overlay(rgb, np.abs(scores), signed=False)


def change_rows(maps, defences: dict) -> list[dict]:
    """A row per map (the attacked method, then each defence) with the three measures."""
    rows = [{"map": "attacked method", **maps.change.as_dict()}]
    rows += [{"map": name, **pair.change.as_dict()} for name, pair in defences.items()]
    return rows


def region_outline(rgb: np.ndarray, region: tuple[float, float, float, float]) -> np.ndarray:
    """The image with the targeted region's border drawn in green."""
    out = rgb.copy()
    h, w = rgb.shape[:2]
    top, left = int(region[0] * h), int(region[1] * w)
    bottom, right = max(int(region[2] * h) - 1, top), max(int(region[3] * w) - 1, left)
    for rows, cols in ((slice(top, bottom + 1), [left, right]), ([top, bottom], slice(left, right + 1))):
        out[rows, cols] = (40, 220, 60)
    return out

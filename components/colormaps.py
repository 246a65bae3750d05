"""Score arrays to colours: diverging for signed maps, sequential for unsigned ones."""
from __future__ import annotations

import numpy as np
from matplotlib import colormaps

SIGNED_CMAP = "RdBu_r"
UNSIGNED_CMAP = "inferno"
SIGNED_CHOICES = ("RdBu_r", "coolwarm", "PiYG", "bwr")  # diverging: zero sits in the middle
UNSIGNED_CHOICES = ("inferno", "viridis", "magma", "hot")  # sequential: dark is unimportant


def scale_scores(scores: np.ndarray, signed: bool, percentile: float = 99.5) -> np.ndarray:
    """Signed: [-1, 1] by a robust max |score|; unsigned: [0, 1] from min to a robust max."""
    scores = np.asarray(scores, dtype=np.float64)
    if signed:
        bound = np.percentile(np.abs(scores), percentile)
        return np.clip(scores / bound, -1, 1) if bound > 0 else np.zeros_like(scores)
    low, high = scores.min(), np.percentile(scores, percentile)
    return np.clip((scores - low) / (high - low), 0, 1) if high > low else np.zeros_like(scores)


def colorize(scores: np.ndarray, signed: bool, cmap: str | None = None) -> np.ndarray:
    """Scores -> uint8 RGB of the same shape plus a channel axis."""
    scaled = scale_scores(scores, signed)
    unit = (scaled + 1) / 2 if signed else scaled
    name = cmap or (SIGNED_CMAP if signed else UNSIGNED_CMAP)
    return (colormaps[name](unit)[..., :3] * 255).round().astype(np.uint8)

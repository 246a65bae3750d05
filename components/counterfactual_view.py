"""Pictures for counterfactuals: the signed difference as red (brighter) / blue (darker),
thumbnails enlarged without blurring, and a caption with the probabilities."""
from __future__ import annotations

import numpy as np

from components.actmax_view import enlarge


def difference_rgb(difference: np.ndarray) -> np.ndarray:
    """(H, W, 3) signed change -> (H, W, 3) uint8: red where the counterfactual is brighter,
    blue where darker, black unchanged; scaled by the largest change (shown in the caption)."""
    change = difference.mean(axis=-1)
    scale = max(float(np.abs(change).max()), 1e-8)
    out = np.zeros(change.shape + (3,))
    out[..., 0] = np.clip(change, 0, None) / scale
    out[..., 2] = np.clip(-change, 0, None) / scale
    return (out * 255).round().astype(np.uint8)


def shown(image: np.ndarray, width: int = 224) -> np.ndarray:
    """(H, W, 3) float in [0, 1] or uint8 -> uint8 enlarged to about ``width`` pixels."""
    rgb = image if image.dtype == np.uint8 else (np.clip(image, 0, 1) * 255).round().astype(np.uint8)
    return enlarge(rgb, max(1, width // rgb.shape[1]))


def probability_caption(name: str, probs: np.ndarray, labels: tuple[str, ...],
                        target: int) -> str:
    """"counterfactual · model says 8 (97.1%) · p(8) = 97.1%"."""
    top = int(probs.argmax())
    return (f"{name} · model says {labels[top]} ({probs[top]:.1%}) · "
            f"p({labels[target]}) = {probs[target]:.1%}")

"""Display-only views of a map: absolute values, a top-k% mask, overlay and raw colours.

Everything here is NumPy on a finished map, so changing a display setting never
recomputes an explanation.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib import colormaps

from components.colormaps import SIGNED_CMAP, UNSIGNED_CMAP, colorize, scale_scores

MASKED_GREY = 200  # raw-map colour of pixels outside the kept top k%
DIM = 0.3  # overlay brightness of pixels outside the kept top k%
# A signed overlay shows strength |s| ** 0.5 (s scaled to [-1, 1]): Integrated Gradients
# maps are sparse, most |s| < 0.1, and blended linearly they were nearly invisible at the
# default opacity. Zero stays fully transparent; at opacity 0.5 the alpha is the strength.
SIGNED_GAMMA = 0.5


@dataclass(frozen=True)
class Display:
    """The page's display controls."""

    opacity: float = 0.5
    signed_cmap: str = SIGNED_CMAP
    unsigned_cmap: str = UNSIGNED_CMAP
    absolute: bool = False
    keep_top: float = 100.0  # percent of pixels kept, by |score|
    show_raw: bool = False


def shown_scores(scores: np.ndarray, signed: bool, display: Display) -> tuple[np.ndarray, bool]:
    """The map as displayed: |scores| (then unsigned) when the display asks for absolute values."""
    if signed and display.absolute:
        return np.abs(scores), False
    return np.asarray(scores), signed


def top_mask(scores: np.ndarray, percent: float) -> np.ndarray:
    """True on the ``percent`` % of pixels with the largest |score| (all when percent >= 100)."""
    magnitude = np.abs(np.asarray(scores, dtype=np.float64))
    if percent >= 100:
        return np.ones(magnitude.shape, dtype=bool)
    threshold = np.percentile(magnitude, 100 - percent)
    return magnitude > threshold if percent <= 0 else magnitude >= threshold


def _cmap(signed: bool, display: Display) -> str:
    return display.signed_cmap if signed else display.unsigned_cmap


def overlay_view(image: np.ndarray, scores: np.ndarray, signed: bool,
                 display: Display) -> np.ndarray:
    """Coloured map blended over the (H, W, 3) uint8 image; masked-out pixels dimmed.

    Signed maps blend in proportion to |score|, so the photo shows where the map is ~0.
    """
    if image.shape[:2] != scores.shape:
        raise ValueError(f"map {scores.shape} does not match image {image.shape[:2]}")
    values, signed = shown_scores(scores, signed, display)
    picture = image.astype(np.float32)
    if signed:  # a diverging map's middle is white: let near-zero pixels show the photo
        heat, alpha = _signed_heat(values, display)
    else:
        heat = colorize(values, signed, _cmap(signed, display)).astype(np.float32)
        alpha = display.opacity
    blended = (1 - alpha) * picture + alpha * heat
    keep = top_mask(values, display.keep_top)[..., None]
    blended = np.where(keep, blended, DIM * picture)
    return blended.round().clip(0, 255).astype(np.uint8)


def _signed_heat(values: np.ndarray, display: Display) -> tuple[np.ndarray, np.ndarray]:
    """Colours and per-pixel alpha of a signed overlay, both from the strength |s| ** gamma."""
    scaled = scale_scores(values, True)
    strength = np.abs(scaled) ** SIGNED_GAMMA
    unit = (np.sign(scaled) * strength + 1) / 2
    heat = colormaps[display.signed_cmap](unit)[..., :3] * 255
    alpha = np.clip(2 * display.opacity * strength, 0, 1)[..., None]
    return heat.astype(np.float32), alpha


def raw_view(scores: np.ndarray, signed: bool, display: Display) -> np.ndarray:
    """The map alone in its colormap; masked-out pixels light grey."""
    values, signed = shown_scores(scores, signed, display)
    colours = colorize(values, signed, _cmap(signed, display))
    keep = top_mask(values, display.keep_top)[..., None]
    return np.where(keep, colours, np.uint8(MASKED_GREY))

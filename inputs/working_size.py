"""Images are worked on at most ``MAX_SIDE`` px long: maps are computed at the model's
input size (224 px) anyway, and a smaller working copy keeps overlays and caches light."""
from __future__ import annotations

import numpy as np
from PIL import Image

from inputs.image_io import LoadedImage

MAX_SIDE = 640


def shrunk(rgb: np.ndarray, max_side: int = MAX_SIDE) -> np.ndarray:
    """``rgb`` box-filtered down so its longer side is ``max_side`` (unchanged if shorter)."""
    height, width = rgb.shape[:2]
    scale = max_side / max(height, width)
    if scale >= 1:
        return rgb
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return np.asarray(Image.fromarray(rgb).resize(size, Image.Resampling.BOX))


def at_working_size(loaded: LoadedImage, max_side: int = MAX_SIDE) -> LoadedImage:
    """The loaded image shrunk to the working size, with a note saying so if it was."""
    rgb = shrunk(loaded.rgb, max_side)
    if rgb.shape == loaded.rgb.shape:
        return loaded
    note = f"worked on at {rgb.shape[1]}×{rgb.shape[0]} px"
    return LoadedImage(rgb, loaded.format, (*loaded.notes, note))

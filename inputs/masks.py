"""Ground-truth masks: an uploaded PNG (any pixel brighter than half its maximum is inside),
or a bundled phantom's exact lesion mask; always resized to the image's grid."""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from inputs.image_io import ImageDecodeError, load_image


def mask_from_bytes(data: bytes, shape: tuple[int, int]) -> np.ndarray:
    """A bool (H, W) mask from an image file; nearest-neighbour resized to ``shape``."""
    loaded = load_image(data)
    grey = loaded.rgb.max(axis=-1).astype(np.float32)
    if grey.max() <= grey.min():
        raise ImageDecodeError("the mask is one flat colour: it marks no region")
    return resize_mask(grey > (grey.max() + grey.min()) / 2, shape)


def resize_mask(mask: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    if mask.shape == tuple(shape):
        return mask.astype(bool)
    x = torch.from_numpy(mask.astype(np.float32))[None, None]
    return F.interpolate(x, size=tuple(shape), mode="nearest")[0, 0].numpy() > 0.5

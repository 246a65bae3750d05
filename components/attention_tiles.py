"""An image transformer's attention per layer and head, each drawn over the image."""
from __future__ import annotations

import math

import numpy as np
from PIL import Image

from components.overlay import overlay

TILE = 128


def attention_tiles(rgb: np.ndarray, attentions: np.ndarray,
                    side: int = TILE) -> tuple[list[np.ndarray], list[str]]:
    """(layers, heads, T, T) weights -> one tile per layer x head: the attention the mean
    patch query pays to each patch, on the patch grid, resized over a ``side`` px image."""
    small = np.asarray(Image.fromarray(rgb).resize((side, side), Image.Resampling.BILINEAR))
    grid = math.isqrt(attentions.shape[-1])
    tiles, captions = [], []
    for layer, heads in enumerate(attentions):
        for head, weights in enumerate(heads):
            patch = weights.mean(axis=0).reshape(grid, grid).astype(np.float32)
            up = np.asarray(Image.fromarray(patch).resize((side, side), Image.Resampling.NEAREST))
            tiles.append(overlay(small, up, signed=False, opacity=0.6))
            captions.append(f"layer {layer} · head {head}")
    return tiles, captions

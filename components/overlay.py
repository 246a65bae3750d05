"""Heatmaps laid over the image they explain."""
from __future__ import annotations

import io

import numpy as np
from PIL import Image

from components.colormaps import colorize


def overlay(image: np.ndarray, scores: np.ndarray, signed: bool, opacity: float = 0.5,
            cmap: str | None = None) -> np.ndarray:
    """Blend a coloured (H, W) map over an (H, W, 3) uint8 image; both at the same size."""
    if image.shape[:2] != scores.shape:
        raise ValueError(f"map {scores.shape} does not match image {image.shape[:2]}")
    heat = colorize(scores, signed, cmap).astype(np.float32)
    blended = (1 - opacity) * image.astype(np.float32) + opacity * heat
    return blended.round().clip(0, 255).astype(np.uint8)


def png_bytes(rgb: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, format="PNG")
    return buffer.getvalue()

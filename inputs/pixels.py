"""Any Pillow image mode to 8-bit RGB without clipping to white or black.

Pillow's plain ``convert("RGB")`` clips 16-bit and 32-bit integer data at 255 and float
data at 1.0 -> 255 per unit, which turns most such images white; we rescale instead.
Transparency is composited onto ``BACKGROUND`` so hidden pixels do not leak into the map.
"""
from __future__ import annotations

import numpy as np
from PIL import Image

BACKGROUND = (255, 255, 255)
WIDE_MODES = ("I;16", "I;16L", "I;16B", "I;16N", "I", "F")
ALPHA_MODES = ("LA", "La", "PA", "RGBA", "RGBa")


def _rescaled(img: Image.Image, notes: list[str]) -> np.ndarray:
    """A one-channel 16-bit, 32-bit or float image as (H, W) uint8."""
    values = np.asarray(img).astype(np.float64)
    values = np.nan_to_num(values, nan=0.0, posinf=0.0, neginf=0.0)
    low, high = float(values.min()), float(values.max())
    if img.mode == "F" and low >= 0 and high <= 1:
        scaled, how = values * 255, "from the range 0–1"
    elif img.mode != "F" and low >= 0 and high <= 65535:
        scaled, how = values / 257, "from the 16-bit range"
    else:
        span = high - low or 1.0
        scaled, how = (values - low) * (255 / span), f"from its range {low:.4g}–{high:.4g}"
    kind = {"F": "floating-point", "I": "32-bit"}.get(img.mode, "16-bit")
    notes.append(f"the {kind} image was rescaled to 8 bits {how}")
    return scaled.round().clip(0, 255).astype(np.uint8)


def _has_alpha(img: Image.Image) -> bool:
    return img.mode in ALPHA_MODES or "transparency" in img.info


def _composited(img: Image.Image, notes: list[str]) -> np.ndarray:
    rgba = np.asarray(img.convert("RGBA")).astype(np.float32)
    alpha = rgba[..., 3:] / 255
    if alpha.min() < 1:
        notes.append("transparent areas are shown on white")
    blended = rgba[..., :3] * alpha + np.array(BACKGROUND, np.float32) * (1 - alpha)
    return blended.round().clip(0, 255).astype(np.uint8)


def to_rgb8(img: Image.Image, notes: list[str]) -> np.ndarray:
    """(H, W, 3) uint8 RGB of any image; appends what it changed to ``notes``."""
    if img.mode in WIDE_MODES:
        grey = _rescaled(img, notes)
        return np.ascontiguousarray(np.repeat(grey[..., None], 3, axis=2))
    if _has_alpha(img):
        return _composited(img, notes)
    if img.mode == "CMYK":
        notes.append("the CMYK image was converted to RGB; colours are approximate")
    return np.array(img.convert("RGB"), dtype=np.uint8)

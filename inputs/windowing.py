"""The DICOM greyscale pixel pipeline as small pure functions, in the standard's order.

Stored values -> modality LUT (rescale slope and intercept: PS3.3 C.11.1) -> VOI LUT or
window centre/width (PS3.3 C.11.2, the linear formula of C.11.2.1.2.1) -> MONOCHROME1
inverted after the VOI step (PS3.3 C.7.6.3.1.2), never before. Outputs are float in [0, 1];
``to_uint8`` makes the 8-bit grey a screen shows.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Window:
    """A window centre/width (``function`` LINEAR, LINEAR_EXACT or SIGMOID), named for display."""

    name: str
    center: float
    width: float
    function: str = "LINEAR"


@dataclass(frozen=True, eq=False)
class VoiLut:
    """A VOI LUT: ``first`` is the first input value mapped, ``bits`` the output depth."""

    name: str
    first: int
    bits: int
    table: np.ndarray


CT_PRESETS = (Window("CT lung", -600, 1500), Window("CT mediastinum", 50, 350),
              Window("CT bone", 400, 1800), Window("CT brain", 40, 80))


def modality_lut(stored: np.ndarray, slope: float = 1.0, intercept: float = 0.0) -> np.ndarray:
    """Stored values -> modality units (e.g. Hounsfield units): ``slope * x + intercept``."""
    return stored.astype(np.float32) * np.float32(slope) + np.float32(intercept)


def apply_window(values: np.ndarray, window: Window) -> np.ndarray:
    """Window centre/width -> [0, 1] (PS3.3 C.11.2.1.2.1 linear, .3.1 exact, .3.2 sigmoid)."""
    c, w = float(window.center), float(window.width)
    if window.function == "SIGMOID":
        return (1.0 / (1.0 + np.exp(-4.0 * (values - c) / w))).astype(np.float32)
    if window.function == "LINEAR_EXACT":
        return np.clip((values - (c - w / 2)) / w, 0, 1).astype(np.float32)
    if w < 1:
        raise ValueError("a linear window needs a width of at least 1")
    if w == 1:  # the formula divides by w - 1: a width of 1 is a threshold at c - 0.5
        return (values > c - 0.5).astype(np.float32)
    scaled = (values - (c - 0.5)) / (w - 1) + 0.5
    return np.clip(scaled, 0, 1).astype(np.float32)


def apply_voi_lut(values: np.ndarray, lut: VoiLut) -> np.ndarray:
    """A VOI LUT -> [0, 1]: inputs below ``first`` take entry 0, above the end the last one."""
    index = np.clip(np.rint(values).astype(np.int64) - lut.first, 0, len(lut.table) - 1)
    return (lut.table[index].astype(np.float32) / np.float32(2 ** lut.bits - 1)).clip(0, 1)


def apply_voi(values: np.ndarray, voi: Window | VoiLut) -> np.ndarray:
    return apply_voi_lut(values, voi) if isinstance(voi, VoiLut) else apply_window(values, voi)


def presentation(grey: np.ndarray, photometric: str) -> np.ndarray:
    """After the VOI step: MONOCHROME1 shows its lowest values white, so it is inverted."""
    return (1.0 - grey) if photometric == "MONOCHROME1" else grey


def full_range(values: np.ndarray, name: str = "full range") -> Window:
    """A linear window spanning the values' minimum to maximum (at least width 2)."""
    low, high = float(values.min()), float(values.max())
    width = max(high - low + 1, 2.0)
    return Window(name, low + 0.5 + (width - 1) / 2, width)


def render(values: np.ndarray, voi: Window | VoiLut, photometric: str) -> np.ndarray:
    """Modality-unit values -> display grey in [0, 1], VOI then MONOCHROME1."""
    return presentation(apply_voi(values, voi), photometric)


def to_uint8(grey: np.ndarray) -> np.ndarray:
    return np.round(np.clip(grey, 0, 1) * 255).astype(np.uint8)

"""Ground truth from the DICOM file itself: an overlay plane (group 60xx, PS3.3 C.9.2) as a
mask, so a lesion a radiologist outlined scores the maps' localisation with no mask upload.

An overlay drawn as an outline is filled (scipy binary_fill_holes), so the mask is the region
and not its one-pixel border. The overlay's own text (description, label) is never read out.
"""
from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

import numpy as np
import pydicom
import torch
import torch.nn.functional as F
from scipy import ndimage

from inputs.dicom import DicomError

OVERLAY_GROUPS = range(0x6000, 0x6020, 2)


@dataclass(frozen=True)
class OverlayMask:
    mask: np.ndarray  # (H, W) bool at the requested size
    group: int
    filled: bool  # the plane was an outline and was filled

    def describe(self) -> str:
        how = "outline filled" if self.filled else "as drawn"
        return f"overlay plane {self.group:04X} of the file ({how})"


def _placed(ds: pydicom.Dataset, group: int) -> np.ndarray:
    """The plane at its origin in an image-sized array; refused when it leaves the image."""
    rows, cols = int(ds.Rows), int(ds.Columns)
    plane = np.asarray(ds.overlay_array(group), dtype=bool)
    if plane.ndim == 3:  # multi-frame overlay: the first frame's plane
        plane = plane[0]
    top, left = (int(v) - 1 for v in ds.get((group, 0x0050)).value)
    if top < 0 or left < 0 or top + plane.shape[0] > rows or left + plane.shape[1] > cols:
        raise DicomError("the overlay plane is larger than the image or lies outside it")
    full = np.zeros((rows, cols), dtype=bool)
    full[top:top + plane.shape[0], left:left + plane.shape[1]] = plane
    return full


def _resize(mask: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    if mask.shape == tuple(shape):
        return mask
    x = torch.from_numpy(mask.astype(np.float32))[None, None]
    return F.interpolate(x, size=tuple(shape), mode="area")[0, 0].numpy() >= 0.5


def overlay_mask(data: bytes, shape: tuple[int, int]) -> OverlayMask | None:
    """The file's first non-empty overlay plane as a mask of ``shape``; None without one."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            ds = pydicom.dcmread(io.BytesIO(data), stop_before_pixels=True)
        except Exception:  # noqa: BLE001  (read_dicom has given the user its message)
            return None
        for group in OVERLAY_GROUPS:
            if (group, 0x3000) not in ds or (group, 0x0050) not in ds:
                continue
            try:
                drawn = _placed(ds, group)
            except DicomError:
                raise
            except Exception:  # noqa: BLE001  (damaged overlay attributes)
                raise DicomError("the overlay plane is damaged") from None
            if not drawn.any():
                continue
            filled = ndimage.binary_fill_holes(drawn)
            outline = filled.sum() > 1.5 * drawn.sum()
            return OverlayMask(_resize(filled if outline else drawn, shape), group, outline)
    return None

"""What the probes share: where a box goes, alpha compositing, and the placebo (a blur of
the same region, so a paired test can tell "this content matters" from "any edit there")."""
from __future__ import annotations

import numpy as np
from PIL import Image, ImageFilter

from explainers.probes.registry import ProbeError, Probed

PLACEMENTS = ("center", "top-left", "top-right", "bottom-left", "bottom-right")


def side_pixels(size: float, image: np.ndarray, what: str) -> int:
    """``size`` < 1: a fraction of the shorter side; >= 1: pixels. Refuses a box that does not
    fit the image (the probe region would be larger than the image)."""
    height, width = image.shape[:2]
    pixels = round(size * min(height, width)) if size < 1 else int(size)
    if pixels < 1:
        raise ProbeError(f"the {what} is smaller than a pixel")
    if pixels > min(height, width):
        raise ProbeError(f"the {what} ({pixels} px) is larger than the image "
                         f"({width}x{height})")
    return pixels


def box_origin(placement: str, box: tuple[int, int], image: np.ndarray) -> tuple[int, int]:
    """Top-left (y, x) of a (h, w) box placed in the image."""
    if placement not in PLACEMENTS:
        raise ProbeError(f"unknown placement {placement!r}; choose one of {', '.join(PLACEMENTS)}")
    (height, width), (h, w) = image.shape[:2], box
    y = {"top": 0, "bottom": height - h}.get(placement.split("-")[0], (height - h) // 2)
    x = {"left": 0, "right": width - w}.get(placement.split("-")[-1], (width - w) // 2)
    return y, x


def composite(image: np.ndarray, colour: tuple[int, int, int], alpha: np.ndarray) -> Probed:
    """``colour`` over ``image`` with per-pixel ``alpha`` in [0, 1]; the region is alpha > 0."""
    region = alpha > 0
    out, box = image.copy(), bounding_box(region)
    if box is not None:  # only the box: outside it alpha is 0 and the pixels stay
        a = alpha[box][..., None].astype(np.float32)
        mixed = image[box].astype(np.float32) * (1 - a) + np.asarray(colour, np.float32) * a
        out[box] = np.clip(mixed.round(), 0, 255).astype(np.uint8)
    return Probed(out, region)


def blurred(image: np.ndarray, radius: float | None = None) -> np.ndarray:
    """A Gaussian blur whose radius scales with the image (1.5% of the shorter side, >= 2 px)."""
    radius = radius or max(2.0, 0.015 * min(image.shape[:2]))
    return np.asarray(Image.fromarray(image).filter(ImageFilter.GaussianBlur(radius)))


def bounding_box(region: np.ndarray, margin: int = 0) -> tuple[slice, slice] | None:
    """The (rows, columns) slices around the region's pixels, ``margin`` wider, clipped."""
    rows, cols = np.flatnonzero(region.any(axis=1)), np.flatnonzero(region.any(axis=0))
    if not len(rows):
        return None
    height, width = region.shape
    return (slice(max(rows[0] - margin, 0), min(rows[-1] + 1 + margin, height)),
            slice(max(cols[0] - margin, 0), min(cols[-1] + 1 + margin, width)))


def placebo(image: np.ndarray, region: np.ndarray) -> Probed:
    """The same region, blurred: an edit of the same place and area with no new content.

    Only the region's box is blurred, widened by the blur's reach (PIL's Gaussian is three
    box passes per axis, each reaching ceil(radius) + 1 px), so the pixels are those of a
    whole-image blur at a fraction of the cost."""
    radius = max(2.0, 0.015 * min(image.shape[:2]))
    box = bounding_box(region, 3 * (int(np.ceil(radius)) + 2))
    out = image.copy()
    if box is not None:
        crop, inside = image[box], region[box]
        out[box] = np.where(inside[..., None], blurred(np.ascontiguousarray(crop), radius), crop)
    return Probed(out, region)


def colour_value(colour: str | tuple[int, int, int]) -> tuple[int, int, int]:
    from PIL import ImageColor

    if isinstance(colour, str):
        try:
            return ImageColor.getrgb(colour)[:3]
        except ValueError:
            raise ProbeError(f"unknown colour {colour!r}") from None
    return tuple(int(c) for c in colour)[:3]

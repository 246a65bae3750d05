"""Edits without text: a patch or sticker, a frame, JPEG re-compression, greyscale and a
background recolour (only where an object mask is given: no segmentation is guessed)."""
from __future__ import annotations

import io

import numpy as np
from PIL import Image

from explainers.probes.regions import box_origin, colour_value, composite, side_pixels
from explainers.probes.registry import ProbeError, Probed, register_probe

FILLS = ("colour", "checker", "noise")


def _sticker(side: int, fill: str, colour: tuple[int, int, int]) -> np.ndarray:
    if fill == "colour":
        return np.broadcast_to(np.asarray(colour, np.uint8), (side, side, 3))
    if fill == "checker":
        cells = (np.add.outer(np.arange(side), np.arange(side)) // max(side // 4, 1)) % 2
        return np.where(cells[..., None] == 1, np.asarray(colour, np.uint8), 255).astype(np.uint8)
    if fill == "noise":  # fixed seed: the same sticker on every image
        return np.random.default_rng(0).integers(0, 256, (side, side, 3), dtype=np.uint8)
    raise ProbeError(f"unknown fill {fill!r}; choose one of {', '.join(FILLS)}")


@register_probe("patch", title="Patch or sticker")
def patch(image: np.ndarray, mask: np.ndarray | None = None, *, size: float = 0.2,
          placement: str = "bottom-right", fill: str = "checker", colour: str = "red") -> Probed:
    """A square ``size`` of the shorter side (or pixels if >= 1) pasted at ``placement``."""
    side = side_pixels(size, image, "patch")
    y, x = box_origin(placement, (side, side), image)
    out, region = image.copy(), np.zeros(image.shape[:2], bool)
    out[y:y + side, x:x + side] = _sticker(side, fill, colour_value(colour))
    region[y:y + side, x:x + side] = True
    return Probed(out, region)


@register_probe("border", title="Border or frame")
def border(image: np.ndarray, mask: np.ndarray | None = None, *, width: float = 0.05,
           colour: str = "black") -> Probed:
    """A frame ``width`` of the shorter side (or pixels) thick on every edge."""
    side = side_pixels(width, image, "border")
    if 2 * side >= min(image.shape[:2]):
        raise ProbeError(f"a {side} px border covers the whole image")
    region = np.ones(image.shape[:2], bool)
    region[side:-side, side:-side] = False
    return composite(image, colour_value(colour), region.astype(np.float32))


@register_probe("jpeg", title="JPEG re-compression")
def jpeg(image: np.ndarray, mask: np.ndarray | None = None, *, quality: int = 10) -> Probed:
    """Encode and decode at ``quality`` (1-95); the region is the whole image."""
    if not 1 <= int(quality) <= 95:
        raise ProbeError("JPEG quality must be 1 to 95")
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, format="JPEG", quality=int(quality))
    out = np.asarray(Image.open(io.BytesIO(buffer.getvalue())).convert("RGB"))
    return Probed(out, np.ones(image.shape[:2], bool))


@register_probe("greyscale", title="Greyscale")
def greyscale(image: np.ndarray, mask: np.ndarray | None = None) -> Probed:
    """ITU-R BT.601 luma in all three channels (as PIL's "L"); the region is the image."""
    grey = np.asarray(Image.fromarray(image).convert("L"))
    return Probed(np.repeat(grey[..., None], 3, axis=2), np.ones(image.shape[:2], bool))


@register_probe("background", title="Background recolour (needs a mask)", needs_mask=True)
def background(image: np.ndarray, mask: np.ndarray | None = None, *,
               colour: str = "green") -> Probed:
    """Everything outside the object's mask in one colour."""
    if mask is None:
        raise ProbeError("the background probe needs the object's mask (--masks)")
    if mask.shape != image.shape[:2]:
        raise ProbeError(f"the mask is {mask.shape[1]}x{mask.shape[0]}, the image "
                         f"{image.shape[1]}x{image.shape[0]}")
    return composite(image, colour_value(colour), (~mask.astype(bool)).astype(np.float32))

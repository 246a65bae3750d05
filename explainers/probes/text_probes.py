"""Text drawn on the image: a translucent watermark and an opaque caption bar.

The ``imagenet-w`` preset follows ImageNet-W (Li et al., CVPR 2023, "A Whac-A-Mole
Dilemma"): a translucent Chinese watermark, 捷径 ("shortcut") repeated, across the middle,
which pushes ImageNet classifiers toward class 478 "carton".
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from explainers.probes.fonts import font_for
from explainers.probes.regions import box_origin, colour_value, composite
from explainers.probes.registry import ProbeError, Probed, register_probe


@lru_cache(maxsize=64)
def _font(path: str, points: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, points)


@lru_cache(maxsize=32)
def text_alpha(text: str, font: str, shape: tuple[int, int], width: int, max_height: int,
               placement: str) -> np.ndarray:
    """(H, W) coverage in [0, 1] of ``text`` drawn ``width`` px wide (or less, to fit
    ``max_height``) at ``placement``. Drawn once per size and kept (read-only): photos at
    the working size share a few shapes."""
    path = font_for(text, font)
    left, top, right, bottom = _font(path, 100).getbbox(text)
    if right <= left:
        raise ProbeError("the text draws nothing")
    points = max(1, int(100 * min(width / (right - left), max_height / max(bottom - top, 1))))
    face = _font(path, points)
    left, top, right, bottom = face.getbbox(text)
    y, x = box_origin(placement, (bottom - top, right - left), np.empty(shape))
    canvas = Image.new("L", (shape[1], shape[0]), 0)
    ImageDraw.Draw(canvas).text((x - left, y - top), text, font=face, fill=255)
    alpha = np.asarray(canvas, np.float32) / 255
    alpha.flags.writeable = False
    return alpha


def check_text(text: str = "", font: str = "auto", **_) -> None:
    if not text.strip():
        raise ProbeError("the text is empty")
    font_for(text, font)


def _width(size: float, image: np.ndarray) -> int:
    width = image.shape[1]
    pixels = round(size * width) if size <= 1 else int(size)
    if pixels > width:
        raise ProbeError(f"the text ({pixels} px wide) is wider than the image ({width} px)")
    return max(pixels, 1)


@register_probe("watermark", title="Watermark (translucent text)", check=check_text,
                presets={"imagenet-w": dict(text="捷径捷径捷径", opacity=0.5, size=0.9,
                                            placement="center", colour="white")})
def watermark(image: np.ndarray, mask: np.ndarray | None = None, *, text: str = "捷径捷径捷径",
              font: str = "auto", opacity: float = 0.5, size: float = 0.9,
              placement: str = "center", colour: str = "white") -> Probed:
    """``text`` at ``opacity`` over the image, ``size`` of its width (or pixels if > 1)."""
    if not 0 < opacity <= 1:
        raise ProbeError("opacity must be in (0, 1]")
    alpha = text_alpha(text, font, image.shape[:2], _width(size, image), image.shape[0],
                       placement)
    return composite(image, colour_value(colour), alpha * opacity)


@register_probe("caption", title="Caption bar (opaque text)", check=check_text)
def caption(image: np.ndarray, mask: np.ndarray | None = None, *, text: str = "photo",
            font: str = "auto", height: float = 0.12, placement: str = "bottom",
            colour: str = "black", background: str = "white") -> Probed:
    """A bar ``height`` of the image's height (or pixels) holding ``text``, top or bottom."""
    if placement not in ("top", "bottom"):
        raise ProbeError("a caption goes at the top or the bottom")
    rows, width = image.shape[:2]
    bar = round(height * rows) if height < 1 else int(height)
    if not 1 <= bar <= rows:
        raise ProbeError(f"the caption bar ({bar} px) does not fit the image ({rows} px high)")
    region = np.zeros(image.shape[:2], bool)
    span = slice(0, bar) if placement == "top" else slice(rows - bar, rows)
    region[span] = True
    out = composite(image, colour_value(background), region.astype(np.float32)).image
    alpha = np.zeros(image.shape[:2], np.float32)
    alpha[span] = text_alpha(text, font, (bar, width), int(0.9 * width), int(0.8 * bar),
                             "center")
    return Probed(composite(out, colour_value(colour), alpha).image, region)

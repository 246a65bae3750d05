"""A seeded data set with a known shortcut: two object classes on two kinds of background.

Objects (triangles and crosses) vary in pose (rotation, position), size, colour and texture
(plain, stripes, dots); every image comes with its exact object mask. The background kind
agrees with the class with a split-dependent probability: ``biased`` 95%, ``swapped`` 5%,
``neutral`` 50%. A second shortcut: a small corner watermark on a share of class 1
(``watermark``; by default only in ``biased``). Every image is a pure function of
(split, seed, index), so ``dataset:shortcut_biased:17`` names one image.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

CLASSES = ("triangle", "cross")
BACKGROUNDS = ("meadow", "dunes")  # background kind k "belongs" to class k
SPLITS = {"biased": 0.95, "swapped": 0.05, "neutral": 0.5}  # P(background kind == class)
WATERMARK_SHARE = {"biased": 0.3, "swapped": 0.0, "neutral": 0.0}
TEXTURES = ("plain", "stripes", "dots")
BASE_COLOURS = {"meadow": (0.30, 0.62, 0.28), "dunes": (0.88, 0.66, 0.38)}
MARK = 7  # watermark side in px at size 64, scaled with the image


def _rng(split: str, seed: int, index: int) -> np.random.Generator:
    return np.random.default_rng([seed, list(SPLITS).index(split), index])


@lru_cache(maxsize=8)
def _grid(size: int, supersample: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """Pixel-centre coordinates (y, x) in [0, 1], ``supersample`` points per pixel side."""
    axis = (np.arange(size * supersample) + 0.5) / (size * supersample)
    return np.meshgrid(axis, axis, indexing="ij")


def object_mask(kind: int, size: int, cy: float, cx: float, r: float, angle: float) -> np.ndarray:
    """(S, S) coverage in [0, 1] of a rotated triangle (0) or cross (1) of radius ``r``."""
    y, x = _grid(size)
    c, s = np.cos(angle), np.sin(angle)
    u, v = c * (x - cx) + s * (y - cy), -s * (x - cx) + c * (y - cy)
    if kind == 0:  # equilateral triangle: inside three half-planes at distance r / 2
        normals = [(np.cos(a), np.sin(a)) for a in (np.pi / 2, np.pi * 7 / 6, np.pi * 11 / 6)]
        inside = np.all([u * nx + v * ny <= 0.55 * r for nx, ny in normals], axis=0)
    else:  # plus sign: two bars of half-width 0.3 r
        w = 0.3 * r
        inside = ((np.abs(u) <= r) & (np.abs(v) <= w)) | ((np.abs(u) <= w) & (np.abs(v) <= r))
    return inside.reshape(size, 2, size, 2).mean((1, 3))


def texture(rng: np.random.Generator, size: int, angle: float) -> np.ndarray:
    """(S, S) brightness factor in [0.55, 1]: plain, stripes or dots."""
    kind = TEXTURES[int(rng.integers(len(TEXTURES)))]
    if kind == "plain":
        return np.ones((size, size))
    y, x = _grid(size, 1)
    period = rng.uniform(0.06, 0.14)
    if kind == "stripes":
        wave = np.sin(2 * np.pi * (np.cos(angle) * x + np.sin(angle) * y) / period)
    else:
        wave = np.sin(2 * np.pi * x / period) * np.sin(2 * np.pi * y / period)
    return np.where(wave > 0, 1.0, 0.55)


def background(kind: int, rng: np.random.Generator, size: int) -> np.ndarray:
    """(S, S, 3) in [0, 1]: meadow (green, blotchy) or dunes (sand, wavy bands)."""
    base = np.array(BASE_COLOURS[BACKGROUNDS[kind]]) + rng.normal(0, 0.04, 3)
    y, x = _grid(size, 1)
    if kind == 0:
        coarse = rng.normal(0, 1, (6, 6))
        blotch = np.kron(coarse, np.ones((size // 6 + 1, size // 6 + 1)))[:size, :size]
        shade = 1 + 0.12 * blotch
    else:
        phase, freq, tilt = rng.uniform(0, 2 * np.pi), rng.uniform(3, 6), rng.uniform(-0.3, 0.3)
        shade = 1 + 0.12 * np.sin(2 * np.pi * freq * (y + tilt * x) + phase)
    noise = rng.normal(0, 0.03, (size, size, 3))
    return np.clip(base * shade[..., None] + noise, 0, 1)


def watermark(image: np.ndarray) -> np.ndarray:
    """Stamp a white square with a dark centre into the bottom-right corner (in place)."""
    size = image.shape[0]
    side = max(3, round(MARK * size / 64))
    lo, hi = size - side - max(1, size // 32), size - max(1, size // 32)
    image[lo:hi, lo:hi] = 1.0
    inner = max(1, side // 3)
    image[lo + inner:hi - inner, lo + inner:hi - inner] = 0.1
    return image


def shortcut_item(split: str, seed: int, index: int, size: int = 64,
                  watermark_share: float | None = None) -> tuple[np.ndarray, int, np.ndarray, dict]:
    """One image (S, S, 3) float32 in [0, 1], its label, its bool mask and its attributes."""
    rng = _rng(split, seed, index)
    label = int(rng.integers(len(CLASSES)))
    kind = label if rng.random() < SPLITS[split] else 1 - label
    r, angle = rng.uniform(0.2, 0.34), rng.uniform(0, 2 * np.pi)
    cy, cx = rng.uniform(r + 0.02, 1 - r - 0.02, 2)
    coverage = object_mask(label, size, cy, cx, r, angle)[..., None]
    colour = rng.uniform(0.05, 1.0, 3)
    fg = colour * texture(rng, size, angle)[..., None]
    image = (1 - coverage) * background(kind, rng, size) + coverage * fg
    share = WATERMARK_SHARE[split] if watermark_share is None else watermark_share
    marked = label == 1 and rng.random() < share
    if marked:
        watermark(image)
    attrs = {"background": kind, "watermark": marked}
    return image.astype(np.float32), label, coverage[..., 0] >= 0.5, attrs


def shortcut_dataset(split: str, n: int, seed: int, size: int = 64,
                     watermark_share: float | None = None
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """(images float32 N x 3 x S x S in [0, 1], labels int64, masks bool N x S x S, attrs)."""
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; choose one of {', '.join(SPLITS)}")
    items = [shortcut_item(split, seed, i, size, watermark_share) for i in range(n)]
    images = np.stack([it[0] for it in items]).transpose(0, 3, 1, 2)
    attrs = {key: np.array([it[3][key] for it in items]) for key in ("background", "watermark")}
    return (np.ascontiguousarray(images), np.array([it[1] for it in items], dtype=np.int64),
            np.stack([it[2] for it in items]), attrs)


def background_images(kind: str, n: int, seed: int = 0, size: int = 64) -> np.ndarray:
    """Plain backgrounds of one kind (no object), float32 N x 3 x S x S: concept images."""
    if kind not in BACKGROUNDS:
        raise ValueError(f"unknown background {kind!r}; choose one of {', '.join(BACKGROUNDS)}")
    k = BACKGROUNDS.index(kind)
    out = [background(k, np.random.default_rng([seed, 99, k, i]), size) for i in range(n)]
    return np.stack(out).transpose(0, 3, 1, 2).astype(np.float32)


def to_uint8(images: np.ndarray) -> np.ndarray:
    """N x 3 x S x S floats in [0, 1] -> N x S x S x 3 uint8 (the ``Dataset`` layout)."""
    return (images.transpose(0, 2, 3, 1) * 255).round().clip(0, 255).astype(np.uint8)

"""Generated chest-radiograph-like phantoms with an exact lesion mask, for teaching only.

Each case is a pure function of (seed, index): a body outline, two lung fields, ribs, a
spine and a heart shadow, with random pose, contrast, gamma and noise; half the cases carry
a lesion (a round nodule or a larger patchy opacity) inside a lung field, and its mask is
known exactly (the pixels where the lesion adds at least half its peak brightness). These
are cartoons of anatomy, not radiographs: a model trained on them is a teaching device.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

PHANTOM_SIZE = 128
LABELS = ("no finding", "lesion")
LESION_SHARE = 0.5


@dataclass(frozen=True)
class PhantomCase:
    """(S, S) float32 image in [0, 1] (bright = dense, as on a radiograph), label, mask."""

    image: np.ndarray
    label: int
    mask: np.ndarray  # (S, S) bool, all False without a lesion


def _grid(size: int) -> tuple[np.ndarray, np.ndarray]:
    coords = (np.arange(size, dtype=np.float32) + 0.5) / size * 2 - 1  # pixel centres in [-1, 1]
    return np.meshgrid(coords, coords, indexing="ij")


def _ellipse(y: np.ndarray, x: np.ndarray, cy: float, cx: float, ry: float, rx: float,
             soft: float = 0.04) -> np.ndarray:
    """A soft-edged filled ellipse in [0, 1]."""
    d = np.sqrt(((y - cy) / ry) ** 2 + ((x - cx) / rx) ** 2)
    return np.clip((1 - d) / soft + 0.5, 0, 1)


def _anatomy(y: np.ndarray, x: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, list]:
    """Background densities and the two lung ellipses (cy, cx, ry, rx) a lesion may sit in."""
    dy, dx, scale = rng.normal(0, 0.03, 2).tolist() + [rng.uniform(0.9, 1.05)]
    body = _ellipse(y, x, 0.1 + dy, dx, 1.0 * scale, 0.82 * scale, 0.08)
    lungs = [(-0.05 + dy, side * 0.38 * scale + dx, 0.55 * scale, 0.26 * scale) for side in (-1, 1)]
    air = sum(_ellipse(y, x, *lung) for lung in lungs)
    image = 0.08 + 0.45 * body - 0.32 * air
    ribs = sum(np.exp(-((y - (-0.55 + 0.17 * k + 0.18 * x ** 2 + dy) * scale) / 0.025) ** 2)
               for k in range(7))
    image += 0.1 * ribs * air
    image += 0.25 * np.exp(-(((x - dx) / 0.07) ** 2)) * body  # spine and mediastinum
    image += 0.2 * _ellipse(y, x, 0.28 + dy, 0.12 * scale + dx, 0.25 * scale, 0.3 * scale, 0.1)
    return image, lungs


def _lesion(y: np.ndarray, x: np.ndarray, rng: np.random.Generator,
            lungs: list) -> np.ndarray:
    """Added brightness of one nodule or opacity, placed inside a lung field (peak 1)."""
    cy, cx, ry, rx = lungs[int(rng.integers(2))]
    angle, radius = rng.uniform(0, 2 * np.pi), np.sqrt(rng.uniform(0, 0.45))
    ly, lx = cy + radius * ry * np.sin(angle), cx + radius * rx * np.cos(angle)
    if rng.random() < 0.6:  # a round nodule
        r = rng.uniform(0.05, 0.11)
        return np.exp(-(((y - ly) ** 2 + (x - lx) ** 2) / (2 * (r / 1.4) ** 2)))
    blobs = [np.exp(-(((y - ly - oy) ** 2 + (x - lx - ox) ** 2) / (2 * 0.06 ** 2)))
             for oy, ox in rng.normal(0, 0.06, (4, 2))]  # a patchy opacity
    patch = np.maximum.reduce(blobs)
    return patch / patch.max()


def phantom_case(seed: int, index: int, size: int = PHANTOM_SIZE) -> PhantomCase:
    """One phantom; ``index`` decides the label (every other case has a lesion on average)."""
    rng = np.random.default_rng([seed, index, 7])
    y, x = _grid(size)
    image, lungs = _anatomy(y, x, rng)
    label = int(rng.random() < LESION_SHARE)
    mask = np.zeros((size, size), dtype=bool)
    if label:
        lesion = _lesion(y, x, rng, lungs)
        image = image + rng.uniform(0.15, 0.35) * lesion
        mask = lesion >= 0.5
    image = np.clip(image * rng.uniform(0.8, 1.2) + rng.uniform(-0.05, 0.05), 0, 1)
    image = image ** rng.uniform(0.8, 1.25)
    image = image + rng.normal(0, rng.uniform(0.01, 0.04), image.shape)
    return PhantomCase(np.clip(image, 0, 1).astype(np.float32), label, mask)


def phantom_batch(seed: int, count: int, size: int = PHANTOM_SIZE) -> tuple[np.ndarray, ...]:
    """(N, S, S) images, (N,) labels, (N, S, S) masks of cases 0..count-1."""
    cases = [phantom_case(seed, i, size) for i in range(count)]
    return (np.stack([c.image for c in cases]), np.array([c.label for c in cases]),
            np.stack([c.mask for c in cases]))


def to_rgb8(image: np.ndarray) -> np.ndarray:
    """(S, S) float in [0, 1] -> (S, S, 3) uint8 grey."""
    grey = np.round(np.clip(image, 0, 1) * 255).astype(np.uint8)
    return np.repeat(grey[..., None], 3, axis=-1)

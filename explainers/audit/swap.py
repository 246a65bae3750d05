"""Counterfactual background swap: each object pasted onto another class's typical background.

A donor is a seeded random image of another class; its own object is covered with its own
background copied from a shifted position (``clean_background``), so the donor adds no
object, only its kind of background. (Painting the hole with the class's mean background
instead left a flat object-shaped ghost that the robust model read as an object: 20% of
its triangles flipped to "cross".) A model that decides by
the object keeps its prediction; one that decides by the background flips.
"""
from __future__ import annotations

import numpy as np


def mean_backgrounds(images: np.ndarray, masks: np.ndarray, labels: np.ndarray,
                     classes: int) -> np.ndarray:
    """(C, H, W, 3) float32: per class, the per-pixel mean of pixels off the object.

    Pixels that are on the object in every image of a class take the class's overall
    background mean colour.
    """
    out = np.zeros((classes, *images.shape[1:]), dtype=np.float32)
    for c in range(classes):
        rows = labels == c
        if not rows.any():
            continue
        off = (~masks[rows])[..., None].astype(np.float32)
        total = (images[rows].astype(np.float32) * off).sum(0)
        count = off.sum(0)
        colour = total.sum((0, 1)) / max(count.sum(), 1.0)
        out[c] = np.where(count > 0, total / np.maximum(count, 1.0), colour)
    return out


SHIFTS = ((0, 0.5), (0.5, 0), (0.5, 0.5), (0, -0.5), (-0.5, 0), (0.25, 0.5), (0.5, 0.25))


def clean_background(image: np.ndarray, mask: np.ndarray, fallback: np.ndarray) -> np.ndarray:
    """The image with its object covered by its own background from shifted positions.

    Each shift (a fraction of the side) fills the hole pixels that land on background;
    whatever no shift reaches takes ``fallback`` (the class's mean background).
    """
    out, hole = image.astype(np.float32), mask.copy()
    side = np.array(mask.shape)
    for fy, fx in SHIFTS:
        if not hole.any():
            break
        shift = tuple((np.array((fy, fx)) * side).astype(int))
        source, source_bg = np.roll(out, shift, (0, 1)), ~np.roll(mask, shift, (0, 1))
        take = hole & source_bg
        out[take] = source[take]
        hole &= ~take
    out[hole] = fallback[hole]
    return out


def donors(labels: np.ndarray, seed: int) -> np.ndarray:
    """(N,) for each item a seeded random item of another class (itself if there is none)."""
    rng = np.random.default_rng(seed)
    picked = np.arange(len(labels))
    for i, label in enumerate(labels):
        others = np.flatnonzero(labels != label)
        if len(others):
            picked[i] = others[rng.integers(len(others))]
    return picked


def swapped_images(images: np.ndarray, masks: np.ndarray, labels: np.ndarray,
                   seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(N, H, W, 3) uint8 composites and the donor of each: object i on donor j's background."""
    classes = int(labels.max()) + 1
    means = mean_backgrounds(images, masks, labels, classes)
    picked = donors(labels, seed)
    cleaned = {j: clean_background(images[j], masks[j], means[labels[j]]) for j in set(picked)}
    scenery = np.stack([cleaned[j] for j in picked])
    composite = np.where(masks[..., None], images.astype(np.float32), scenery)
    return composite.round().clip(0, 255).astype(np.uint8), picked


def swap_effects(labels: np.ndarray, predicted: np.ndarray, swap_predicted: np.ndarray,
                 mapped: np.ndarray | None, classes: int) -> dict[str, np.ndarray]:
    """Per class: flip rate (prediction changed) and accuracy drop (before - after).

    ``mapped[k]`` is the model's class index of data-set class k (-1 if it has none); the
    accuracy drop is NaN where a class has no model counterpart.
    """
    flip, drop = np.full(classes, np.nan), np.full(classes, np.nan)
    for c in range(classes):
        rows = labels == c
        if not rows.any():
            continue
        flip[c] = float(np.mean(predicted[rows] != swap_predicted[rows]))
        if mapped is not None and mapped[c] >= 0:
            drop[c] = float(np.mean(predicted[rows] == mapped[c])
                            - np.mean(swap_predicted[rows] == mapped[c]))
    return {"flip_rate": flip, "accuracy_drop": drop}

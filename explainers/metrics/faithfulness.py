"""Deletion and insertion curves (Petsiuk et al. 2018, RISE, sec. 4.1).

Deletion removes the most important pixels first and watches the target probability fall: a
faithful map makes it fall fast, so a LOW area is good. Removed pixels become "black" the way
RISE's code makes them: zero in the model's normalised input space, which is the training
set's mean colour (found in the model's ``Normalize``; true black for a model without one). Insertion
starts from a blurred copy and puts the original pixels back, most important first: a HIGH
area is good. Both run at the model's input resolution (``model.preprocess``), the pixels the
model actually sees, so a 12-megapixel upload costs no more than a 224 px one; the map is
resized to that grid. Signed maps are ranked by the value itself, most positive first, so
pixels that argue against the class are removed last. Ties (flat regions, for example Grad-CAM's
zeros) are broken in a seeded random order, never in raster order.

The random baseline is uniform noise on a coarse grid (input size / 32, the last conv layer's
cells in ImageNet CNNs), upsampled. A per-pixel random map scatters the removed pixels, which
wrecks a CNN's evidence faster than any coherent map does (deletion area about 0.02 on chelsea
against Grad-CAM's 0.2): it would measure the perturbation, not the map.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from explainers.batching import generated_outputs
from model_zoo import ImageClassifier
from model_zoo.classifier import Normalize

BLUR_KERNEL = 11  # RISE's insertion baseline: Gaussian blur, kernel 11, sigma 5
BLUR_SIGMA = 5.0
RANDOM_CELL = 32  # pixels per random-map cell: the stride of ImageNet CNNs' last conv layer


@dataclass(frozen=True)
class FaithfulnessScores:
    """Target-class probability after removing/inserting each fraction of pixels, and the areas.

    ``deletion_auc`` (lower is better) and ``insertion_auc`` (higher is better) are trapezoid
    areas over ``fractions`` in [0, 1]. ``model_evals`` counts forward passes (one per image).
    """

    deletion_auc: float
    insertion_auc: float
    fractions: np.ndarray
    deletion_curve: np.ndarray
    insertion_curve: np.ndarray
    model_evals: int = 0

    def __post_init__(self) -> None:
        for name in ("fractions", "deletion_curve", "insertion_curve"):
            values = np.array(getattr(self, name), dtype=np.float64)  # a private, read-only copy
            values.setflags(write=False)
            object.__setattr__(self, name, values)


def gaussian_blur(x: torch.Tensor, kernel: int = BLUR_KERNEL, sigma: float = BLUR_SIGMA) -> torch.Tensor:
    """Separable Gaussian blur of an (N, C, h, w) batch with reflected borders."""
    offsets = torch.arange(kernel, dtype=torch.float32) - (kernel - 1) / 2
    weights = torch.exp(-offsets ** 2 / (2 * sigma ** 2))
    weights = (weights / weights.sum()).to(x.dtype)
    channels, pad = x.shape[1], kernel // 2
    rows = weights.view(1, 1, kernel, 1).repeat(channels, 1, 1, 1)
    cols = weights.view(1, 1, 1, kernel).repeat(channels, 1, 1, 1)
    x = F.conv2d(F.pad(x, (0, 0, pad, pad), mode="reflect"), rows, groups=channels)
    return F.conv2d(F.pad(x, (pad, pad, 0, 0), mode="reflect"), cols, groups=channels)


def removed_colour(model: ImageClassifier) -> torch.Tensor:
    """(3, 1, 1) pixel value that the model's normalisation maps to zero (RISE's deletion)."""
    for layer in model.module.modules():
        if isinstance(layer, Normalize):
            return layer.mean.detach().float().reshape(-1, 1, 1).clone()
    return torch.zeros(3, 1, 1)


def fractions_for(step_fraction: float) -> np.ndarray:
    """0, step, 2 step, ..., 1 (the last step may be shorter)."""
    if not 0 < step_fraction <= 1:
        raise ValueError(f"step_fraction must be in (0, 1], got {step_fraction}")
    count = math.ceil(1 / step_fraction - 1e-9)
    return np.minimum(np.arange(count + 1) * step_fraction, 1.0)


def pixel_ranks(scores: np.ndarray, seed: int = 0) -> torch.Tensor:
    """Rank of each pixel (0 = most important), highest score first, ties in seeded random order."""
    flat = scores.astype(np.float64).ravel()
    tiebreak = np.random.default_rng(seed).random(flat.size)
    order = np.lexsort((tiebreak, -flat))
    ranks = np.empty(flat.size, dtype=np.int64)
    ranks[order] = np.arange(flat.size)
    return torch.from_numpy(ranks).view(scores.shape)


def map_on_input_grid(model: ImageClassifier, image: torch.Tensor, scores: np.ndarray) -> np.ndarray:
    """The map at the model's input size; it must match the image's size or already be there."""
    scores = np.array(scores, dtype=np.float32)  # a writable copy
    if scores.ndim != 2 or scores.shape not in (tuple(image.shape[-2:]), model.input_size):
        raise ValueError(f"the map's shape {scores.shape} matches neither the image "
                         f"{tuple(image.shape[-2:])} nor the model input {model.input_size}")
    if not np.isfinite(scores).all():
        raise ValueError("the map has non-finite values")
    if scores.shape == model.input_size:
        return scores
    grid = torch.from_numpy(scores)[None, None]
    return F.interpolate(grid, size=model.input_size, mode="bilinear", align_corners=False,
                         antialias=True)[0, 0].numpy()


def area(fractions: np.ndarray, curve: np.ndarray) -> float:
    """Trapezoid rule over the fractions."""
    return float(((curve[1:] + curve[:-1]) / 2 * np.diff(fractions)).sum())


def deletion_insertion(model: ImageClassifier, image: torch.Tensor, scores: np.ndarray,
                       target: int, step_fraction: float = 0.05,
                       batch: int = 16) -> FaithfulnessScores:
    """Deletion (to black) and insertion (from blur) curves of ``model``'s target probability.

    ``image`` is the (3, H, W) tensor in [0, 1] that was explained, ``scores`` its (H, W) map
    (or a map at the model's input size). Both curves go through one batched pass.
    """
    if image.dim() != 3 or image.shape[0] != 3:
        raise ValueError(f"expected a (3, H, W) image, got shape {tuple(image.shape)}")
    if not 0 <= target < len(model.labels):
        raise ValueError(f"target {target} is outside 0..{len(model.labels) - 1}")
    fractions = fractions_for(step_fraction)
    x = model.preprocess(image)[0]
    ranks = pixel_ranks(map_on_input_grid(model, image, scores))
    kept = torch.from_numpy(np.round(fractions * ranks.numel()).astype(np.int64))
    blurred, removed = gaussian_blur(x[None])[0], removed_colour(model)
    steps = len(fractions)

    def make_batch(start: int, stop: int) -> torch.Tensor:
        index = torch.arange(start, stop)
        chosen = (ranks[None] < kept[index % steps][:, None, None])[:, None].float()
        deleting = (index < steps).float()[:, None, None, None]
        insert = chosen * x + (1 - chosen) * blurred  # Petsiuk et al.: blurred canvas
        delete = (1 - chosen) * x + chosen * removed  # RISE's code: zero after normalising
        return deleting * delete + (1 - deleting) * insert

    def probability(inputs: torch.Tensor) -> torch.Tensor:
        return torch.softmax(model.module(inputs).float(), dim=-1)[:, target]

    curves = generated_outputs(probability, make_batch, 2 * steps, batch,
                               "deletion and insertion").double().numpy()
    deletion, insertion = curves[:steps], curves[steps:]
    return FaithfulnessScores(deletion_auc=area(fractions, deletion),
                              insertion_auc=area(fractions, insertion), fractions=fractions,
                              deletion_curve=deletion, insertion_curve=insertion,
                              model_evals=2 * steps)


def random_map(size: tuple[int, int], seed: int = 0, cell: int = RANDOM_CELL) -> np.ndarray:
    """Seeded uniform noise on a grid of ``cell``-pixel cells, upsampled to ``size``."""
    grid = (max(1, round(size[0] / cell)), max(1, round(size[1] / cell)))
    noise = torch.from_numpy(np.random.default_rng(seed).random(grid).astype(np.float32))
    return F.interpolate(noise[None, None], size=size, mode="bilinear",
                         align_corners=False)[0, 0].numpy()


def random_baseline(model: ImageClassifier, image: torch.Tensor, target: int,
                    step_fraction: float = 0.05, batch: int = 16, seed: int = 0) -> FaithfulnessScores:
    """The same curves for a seeded random map (coarse noise, see the module docstring)."""
    return deletion_insertion(model, image, random_map(model.input_size, seed), target,
                              step_fraction, batch)

"""Random transformations applied before each step, so the image must work when moved.

Jitter, scale and rotation (Mordvintsev et al. 2015, "Inceptionism"; Olah et al. 2017,
"Transformation robustness") are one affine warp per image, drawn from that image's own
generator: a gallery batch sees exactly the warps its separate runs would see.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F


def uniform(g: torch.Generator, low: float, high: float) -> float:
    return low + (high - low) * float(torch.rand((), generator=g))


def random_affine(images: torch.Tensor, generators: list[torch.Generator], jitter: int,
                  scale: float, rotate: float) -> torch.Tensor:
    """Warp image i by a random shift (±``jitter`` px), zoom (1±``scale``), turn (±``rotate``°)."""
    if not (jitter or scale or rotate):
        return images
    n, _, h, w = images.shape
    thetas = []
    for g in generators:
        s = uniform(g, 1 - scale, 1 + scale) if scale else 1.0
        a = math.radians(uniform(g, -rotate, rotate)) if rotate else 0.0
        tx = uniform(g, -jitter, jitter) * 2 / w if jitter else 0.0
        ty = uniform(g, -jitter, jitter) * 2 / h if jitter else 0.0
        cos, sin = math.cos(a) / s, math.sin(a) / s
        thetas.append([[cos, -sin, tx], [sin, cos, ty]])
    grid = F.affine_grid(torch.tensor(thetas, dtype=images.dtype), [n, 3, h, w],
                         align_corners=False)
    return F.grid_sample(images, grid, mode="bilinear", padding_mode="reflection",
                         align_corners=False)


def total_variation(images: torch.Tensor) -> torch.Tensor:
    """(N,) mean absolute difference of neighbouring pixels (Mahendran & Vedaldi 2015, eq. 5, β=1)."""
    dy = (images[..., 1:, :] - images[..., :-1, :]).abs().flatten(1).mean(1)
    dx = (images[..., :, 1:] - images[..., :, :-1]).abs().flatten(1).mean(1)
    return dx + dy


def norm_penalties(images: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(N,) mean |x - ½| and mean (x - ½)², the L1 and L2 decay of Simonyan et al. 2014 eq. 1."""
    centred = (images - 0.5).flatten(1)
    return centred.abs().mean(1), centred.pow(2).mean(1)

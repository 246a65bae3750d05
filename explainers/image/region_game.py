"""The coalition game over a grid of image regions that Shapley-style maps explain.

v(S) is the model's logits for the image with the regions in S shown and the others
replaced by a box blur of the image (the fill partition SHAP uses, ``blur=128``), so the
learned explainer, the lesson's estimators and partition SHAP all explain one game.
Regions are the cells of a ``rows`` x ``cols`` grid over the model input, row by row.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
import torch
import torch.nn.functional as F

from explainers.image.perturbation import box_blur
from model_zoo import ImageClassifier

BLUR = 128


@lru_cache(maxsize=64)
def region_index(grid: tuple[int, int], size: tuple[int, int]) -> torch.Tensor:
    """(H, W) region number of every pixel, the same cells ``region_images`` shows (a side
    that the grid does not divide gets cells one pixel apart in size). Cached: read only."""
    cells = torch.arange(grid[0] * grid[1], dtype=torch.float32).view(1, 1, *grid)
    return F.interpolate(cells, size=size, mode="nearest")[0, 0].long()


def pool_to_grid(scores: torch.Tensor, grid: tuple[int, int]) -> np.ndarray:
    """An (H, W) pixel map summed within each region: (rows * cols,) values."""
    index = region_index(tuple(grid), tuple(scores.shape)).flatten()
    return torch.bincount(index, scores.flatten().double(), grid[0] * grid[1]).numpy()


def region_images(x: torch.Tensor, filled: torch.Tensor, masks: torch.Tensor,
                  grid: tuple[int, int]) -> torch.Tensor:
    """(K, 3, H, W): ``x`` (1 or N images) shown where each (K, n) mask is True, ``filled``
    elsewhere."""
    shown = masks.float().view(len(masks), 1, *grid)
    shown = F.interpolate(shown, size=tuple(x.shape[-2:]), mode="nearest")
    return filled + shown * (x - filled)


class RegionGame:
    """v(S) for one image: (K, n) bool masks -> (K, C) logits, evaluated in chunks."""

    def __init__(self, model: ImageClassifier, x: torch.Tensor, grid: tuple[int, int],
                 blur: int = BLUR, batch: int = 256) -> None:
        self.model, self.x, self.grid, self.batch = model, x.float(), grid, batch
        self.filled = box_blur(self.x, blur)
        self.players = grid[0] * grid[1]
        self.evals = 0

    def __call__(self, masks: torch.Tensor) -> torch.Tensor:
        masks = torch.as_tensor(masks, dtype=torch.bool)
        out = []
        with torch.inference_mode():
            for start in range(0, len(masks), self.batch):
                chunk = masks[start:start + self.batch]
                images = region_images(self.x, self.filled, chunk, self.grid)
                out.append(self.model.module(images).double())
        self.evals += len(masks)
        return torch.cat(out) if out else torch.zeros(0, len(self.model.labels))


def all_coalitions(n: int) -> np.ndarray:
    """(2^n, n) bool: row s is the coalition whose members are the set bits of s."""
    codes = np.arange(2 ** n, dtype=np.int64)[:, None]
    return ((codes >> np.arange(n)) & 1).astype(bool)


def exact_shapley(values: np.ndarray, n: int) -> np.ndarray:
    """Shapley values from v over all 2^n coalitions (indexed as in ``all_coalitions``).

    phi_i = sum_{S not containing i} |S|! (n - |S| - 1)! / n! * (v(S + i) - v(S))
    (Shapley 1953; Lundberg & Lee 2017, eq. 8).
    """
    from math import factorial

    codes = np.arange(2 ** n, dtype=np.int64)
    sizes = all_coalitions(n).sum(1)
    weight = np.array([factorial(s) * factorial(n - s - 1) / factorial(n) for s in range(n)])
    phi = np.zeros(n)
    for i in range(n):
        without = codes[(codes >> i) & 1 == 0]
        phi[i] = (weight[sizes[without]] * (values[without | (1 << i)] - values[without])).sum()
    return phi


def shapley_kernel_sizes(n: int, count: int, rng: np.random.Generator) -> np.ndarray:
    """Coalition sizes 1..n-1 drawn from the Shapley kernel's size distribution,
    p(s) proportional to (n - 1) / (s (n - s)) (Lundberg & Lee 2017, Theorem 2;
    Jethani et al. 2022, sec. 3: FastSHAP samples coalitions from this p(S))."""
    sizes = np.arange(1, n)
    p = (n - 1) / (sizes * (n - sizes))
    return rng.choice(sizes, size=count, p=p / p.sum())


def kernel_coalitions(n: int, count: int, rng: np.random.Generator) -> np.ndarray:
    """(count, n) bool coalitions from the Shapley kernel, in complementary pairs
    (paired sampling, Covert & Lee 2021), so ``count`` is rounded up to even."""
    half = (count + 1) // 2
    masks = np.zeros((half, n), dtype=bool)
    for row, size in zip(masks, shapley_kernel_sizes(n, half, rng)):
        row[rng.permutation(n)[:size]] = True
    return np.concatenate([masks, ~masks]).reshape(2, half, n).transpose(1, 0, 2).reshape(-1, n)

"""Random maps as smooth as the map they are a null for (surrogate maps).

ROAD favours blurry maps (Rong et al. 2022 note it; arXiv 2304.13836 measures it): a 7x7
Grad-CAM removes compact blobs, which the imputation fills worse than scattered cells, so
judging it against per-cell noise credits its smoothness, not its order. The fair null
keeps what a map's order does not decide: its resolution and its values. Each random map
is the map's own cells at their native size shuffled (a permutation surrogate; the
default) or, optionally, the whole map moved and mirrored (np.roll by a quarter to three quarters of each side, a
random flip), both upsampled the way the map was (bilinear).

The native cell is read off the map itself: the largest of ``CELLS`` whose cell centres,
upsampled again, still reproduce the map (correlation at least ``SAME_MAP``); otherwise the
imputation cell, where the null becomes the ROAD paper's per-cell random order.
"""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

CELLS = (32, 16, 8)  # px at the model's input size: 7x7, 14x14, 28x28 at 224 px
SAME_MAP = 0.99
KINDS = ("permuted", "shifted")
# The page's null: permuted copies only. Chosen on the tuning photos (docs/results.md, "a fair
# null"): moved copies of a map that covers a large object still cover it, so they are not
# random (Grad-CAM beat 4 of them on 7 % of photos, 4 permuted copies on 50 %).
DEFAULT_KINDS = ("permuted",)


def pooled(grid: np.ndarray, cell: int) -> torch.Tensor:
    """(1, 1, h/cell, w/cell): ``grid`` read at each cell's centre, where a bilinear upsampling
    (align_corners=False) puts its source values."""
    centres = np.asarray(grid, np.float32)[cell // 2 - 1::cell, cell // 2 - 1::cell]
    return torch.from_numpy(np.ascontiguousarray(centres))[None, None]


def upsampled(cells: torch.Tensor, size: tuple[int, int]) -> np.ndarray:
    return F.interpolate(cells, size=size, mode="bilinear", align_corners=False)[0, 0].numpy()


def native_cell(grid: np.ndarray, fallback: int = 4) -> int:
    """The coarsest cell (px) at which ``grid`` is its own cell centres, upsampled."""
    flat = np.asarray(grid, np.float64).ravel()
    fits = [cell for cell in CELLS if cell <= min(grid.shape)]  # a tiny input: finer cells
    if flat.std() == 0:
        return max(fits, default=fallback)
    for cell in fits:
        again = upsampled(pooled(grid, cell), grid.shape).ravel()
        if again.std() > 0 and np.corrcoef(flat, again)[0, 1] >= SAME_MAP:
            return cell
    return fallback


def permuted_copy(grid: np.ndarray, cell: int, rng: np.random.Generator) -> np.ndarray:
    """``grid``'s ``cell``-px cell values in a random order, upsampled bilinearly."""
    cells = pooled(grid, cell)
    flat = cells.flatten()
    shuffled = flat[torch.from_numpy(rng.permutation(flat.numel()))].view_as(cells)
    return upsampled(shuffled, grid.shape)


def shifted_copy(grid: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """``grid`` moved by a quarter to three quarters of each side (wrapped), maybe mirrored."""
    h, w = grid.shape
    moved = np.roll(grid, (int(rng.integers(h // 4, 3 * h // 4 + 1)),
                           int(rng.integers(w // 4, 3 * w // 4 + 1))), (0, 1))
    if rng.random() < 0.5:
        moved = moved[:, ::-1]
    if rng.random() < 0.5:
        moved = moved[::-1]
    return np.ascontiguousarray(moved)


def matched_maps(grid: np.ndarray, count: int, seed: int = 0,
                 kinds: tuple[str, ...] = DEFAULT_KINDS) -> list[np.ndarray]:
    """``count`` surrogates of ``grid`` (the map at the model's input size), the kinds taken
    in turn; one seeded stream per kind, so every front end judges a map against the same
    null, and the first n of one kind are the same whatever the mix."""
    unknown = set(kinds) - set(KINDS)
    if unknown or not kinds:
        raise ValueError(f"null kinds must be among {KINDS}, got {kinds}")
    cell = native_cell(grid)
    rngs = {kind: np.random.default_rng([seed, i]) for i, kind in enumerate(KINDS)}
    return [permuted_copy(grid, cell, rngs["permuted"]) if kinds[k % len(kinds)] == "permuted"
            else shifted_copy(grid, rngs["shifted"]) for k in range(count)]

"""RISE (Petsiuk et al. 2018): the target probability under random masks, averaged with
each mask as weight (eq. 6: S = sum_i f(x * M_i) M_i / (N p)); unsigned.

Masks (sec. 3.2): an s x s grid of cells kept with probability p, bilinearly upsampled to
(s + 1) cells of ceil(H / s) pixels, cropped at a random shift. Grids and shifts are drawn
once from ``seed``; each chunk's masks are rebuilt from them on demand (cheap next to a
forward), so thousands of full-size masks never sit in memory and the result does not
depend on the batch size.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from explainers.image.perturbation import require_positive, target_scores
from explainers.registry import MethodOutput, register_explainer
from model_zoo import ImageClassifier


class MaskSet:
    """``count`` seeded RISE masks over an (H, W) grid, built in slices."""

    def __init__(self, count: int, size: tuple[int, int], grid: int, p: float, seed: int) -> None:
        generator = torch.Generator().manual_seed(seed)
        self.size = size
        self.cell = (math.ceil(size[0] / grid), math.ceil(size[1] / grid))
        self.grids = (torch.rand(count, 1, grid, grid, generator=generator) < p).float()
        self.shifts = torch.stack([torch.randint(0, c, (count,), generator=generator)
                                   for c in self.cell], dim=1).tolist()
        self.upsampled = ((grid + 1) * self.cell[0], (grid + 1) * self.cell[1])

    def slice(self, start: int, stop: int) -> torch.Tensor:
        """(stop - start, H, W) masks in [0, 1]."""
        up = F.interpolate(self.grids[start:stop], size=self.upsampled, mode="bilinear",
                           align_corners=False)[:, 0]
        (h, w), shifts = self.size, self.shifts[start:stop]
        return torch.stack([m[dy:dy + h, dx:dx + w] for m, (dy, dx) in zip(up, shifts)])


@register_explainer("rise", title="RISE", modality="image", signed=False, forward_only=True,
                    masks=1000, grid=7, p=0.5, batch=16, seed=0, quick={"masks": 16},
                    summary="Probability-weighted average of random smooth masks.")
def rise(model: ImageClassifier, x: torch.Tensor, target: int, masks: int = 1000, grid: int = 7,
         p: float = 0.5, batch: int = 16, seed: int = 0) -> MethodOutput:
    """``grid`` cells per side (cell size ceil(H / grid) pixels); ``p`` keeps a cell."""
    require_positive(masks=masks, grid=grid, p=p, batch=batch)
    if p > 1:
        raise ValueError(f"p is a probability, got {p}")
    size = (x.shape[-2], x.shape[-1])
    mask_set = MaskSet(masks, size, grid, p, seed)
    scores = target_scores(model, target, lambda a, b: x * mask_set.slice(a, b)[:, None],
                           masks, batch, "RISE", probability=True)
    saliency = torch.zeros(size)
    for start in range(0, masks, batch):
        stop = min(start + batch, masks)
        saliency += torch.tensordot(scores[start:stop], mask_set.slice(start, stop), dims=1)
    return MethodOutput(scores=saliency / (masks * p), model_evals=masks)

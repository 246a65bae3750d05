"""Extremal perturbation (Fong, Patrick & Vedaldi 2019), the area-constrained form of
meaningful perturbation (Fong & Vedaldi 2017): learn a smooth mask of a chosen area that
keeps (``preserve``) or removes (``delete``) the evidence for the target class.

The mask lives on a coarse ``grid`` x ``grid`` lattice of values in [0, 1], bilinearly
upsampled to the input (smooth by construction). Hidden pixels take a fill (blur by
default: "meaningful" rather than black). Energy, maximised with Adam (sec. 3, eq. 6):
    reward(target score of the perturbed image) - lambda * || sort(m) - r_a ||^2
where r_a is the sorted reference mask with a fraction ``area`` of ones (the ranking
area constraint, eq. 5); lambda grows 0.35 % a step as in the authors' TorchRay code.
Unsigned: the map is the learned mask; the area it reached
(mean mask value) and the target score of the perturbed image are in ``extras``.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from explainers.image.perturbation import FILLS, fill_image, require_positive
from explainers.progress import report
from explainers.registry import MethodOutput, register_explainer
from model_zoo import ImageClassifier

MODES = ("preserve", "delete")


def area_reference(pixels: int, area: float) -> torch.Tensor:
    """The sorted mask a perfect solution has: (1 - area) of zeros, then ones (eq. 5)."""
    reference = torch.zeros(pixels)
    reference[int(math.ceil(pixels * (1 - area))):] = 1.0
    return reference


def upsample(lattice: torch.Tensor, size: tuple[int, int]) -> torch.Tensor:
    """(g, g) lattice in [0, 1] -> (1, 1, H, W) smooth mask."""
    return F.interpolate(lattice[None, None], size=size, mode="bilinear", align_corners=False)


def perturbed(x: torch.Tensor, fill: torch.Tensor, mask: torch.Tensor, mode: str) -> torch.Tensor:
    """The image the model sees: the mask's pixels kept (preserve) or filled (delete)."""
    keep = mask if mode == "preserve" else 1 - mask
    return x * keep + fill * (1 - keep)


@register_explainer("extremal", title="Extremal perturbation", modality="image", signed=False,
                    choices={"mode": MODES, "fill": FILLS},
                    area=0.1, mode="preserve", steps=300, grid=14, lr=0.1, weight=300.0,
                    fill="blur", kernel=31, quick={"steps": 3, "grid": 7},
                    summary="An optimised smooth mask of a chosen area that keeps (or removes) "
                            "the class evidence.")
def extremal(model: ImageClassifier, x: torch.Tensor, target: int, area: float = 0.1,
             mode: str = "preserve", steps: int = 300, grid: int = 14, lr: float = 0.1,
             weight: float = 300.0, fill: str = "blur", kernel: int = 31) -> MethodOutput:
    """``area``: the fraction of the image the mask covers; ``weight``: the area penalty."""
    require_positive(steps=steps, grid=grid, lr=lr, weight=weight, kernel=kernel)
    if not 0 < area < 1:
        raise ValueError(f"area is a fraction of the image between 0 and 1, got {area}")
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}; choose one of {', '.join(MODES)}")
    x = x.detach()
    size = (x.shape[-2], x.shape[-1])
    background = fill_image(x, fill, kernel).detach()
    reference = area_reference(size[0] * size[1], area)
    sign = 1.0 if mode == "preserve" else -1.0
    lattice = torch.full((grid, grid), 0.5)
    with torch.enable_grad():
        lattice.requires_grad_(True)
        optimiser = torch.optim.Adam([lattice], lr=lr)
        for step in range(steps):
            mask = upsample(lattice, size)
            score = model.module(perturbed(x, background, mask, mode))[0, target]
            regulariser = ((mask.flatten().sort()[0] - reference) ** 2).mean()
            loss = -sign * score + weight * 1.0035 ** step * regulariser
            optimiser.zero_grad()
            (grad,) = torch.autograd.grad(loss, lattice)
            lattice.grad = grad
            optimiser.step()
            with torch.no_grad():
                lattice.clamp_(0, 1)
            report((step + 1) / steps, "Extremal perturbation")
    with torch.no_grad():
        mask = upsample(lattice.detach(), size)[0, 0]
        final = float(model.module(perturbed(x, background, mask[None, None], mode))[0, target])
    reached = float(mask.mean())
    return MethodOutput(scores=mask, model_evals=steps + 1,
                        extras={"area_reached": reached, "perturbed_score": final})

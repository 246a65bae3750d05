"""Counterfactuals by a regularised perturbation of the pixels (Wachter et al. 2017, with the
elastic-net and autoencoder terms of Van Looveren & Klaise 2019, eq. 2-4):

    delta* = argmin  CE(f(x + delta), target) + sparse * |delta|_1 + smooth * TV(delta)
                     [+ plausible * |AE(x + delta) - (x + delta)|^2]

delta lives on a coarse grid (``grid`` x ``grid``, upsampled bilinearly), so the change is
smooth by construction; x + delta is clipped to [0, 1]. The optional ``reconstruct``
(an autoencoder trained on the model's data) keeps the result near what that data looks
like. The class term is a hinge (Carlini & Wagner 2017): it stops pulling once the model
gives ``target`` at least ``confidence``, so later steps shrink the change; the result is the
smallest change that reached it, or, when none did, the best found, and it says so.
"""
from __future__ import annotations

import math
import time
from typing import Callable

import torch
from torch import nn

from explainers.counterfactual.image_result import ImageCounterfactual
from explainers.counterfactual.latent import Images, as_rgb, probs_of


def total_variation(x: torch.Tensor) -> torch.Tensor:
    """Mean absolute difference between neighbouring pixels (Rudin et al. 1992, anisotropic)."""
    return ((x[..., 1:, :] - x[..., :-1, :]).abs().mean()
            + (x[..., :, 1:] - x[..., :, :-1]).abs().mean())


def perturbation_counterfactual(classify: Images, image: torch.Tensor, target: int, *,
                                grid: int = 14, steps: int = 300, lr: float = 0.01,
                                sparse: float = 1.0, smooth: float = 1.0,
                                plausible: float = 0.0,
                                reconstruct: Callable[[torch.Tensor], torch.Tensor] | None = None,
                                confidence: float = 0.9) -> ImageCounterfactual:
    """``classify``: images (N, C, H, W) in [0, 1] -> logits; ``image``: (1, C, H, W)."""
    began = time.perf_counter()
    original = probs_of(classify, image)
    if not 0 <= target < len(original):
        raise ValueError(f"target {target} is outside 0..{len(original) - 1}")
    coarse = torch.zeros(1, image.shape[1], grid, grid, requires_grad=True)
    opt = torch.optim.Adam([coarse], lr=lr)
    goal = torch.tensor([target])

    def changed(params: torch.Tensor) -> torch.Tensor:
        delta = nn.functional.interpolate(params, size=image.shape[-2:], mode="bilinear",
                                          align_corners=False)
        return (image + delta).clamp(0, 1)

    margin = -math.log(confidence)  # CE(target) below this <=> p(target) >= confidence
    best, best_score, flipped, step = coarse.detach().clone(), (False, -1.0), False, 0
    for step in range(1, steps + 1):
        opt.zero_grad()
        x = changed(coarse)
        logits = classify(x)
        delta = x - image
        p = float(torch.softmax(logits.detach().double(), dim=1)[0, target])
        hit = p >= confidence and int(logits.argmax()) == target
        score = (hit, -float(delta.detach().abs().mean()) if hit else p)  # flipped first, then smallest
        if score > best_score:
            best, best_score = coarse.detach().clone(), score
        flipped = flipped or hit
        ce = nn.functional.cross_entropy(logits, goal)
        loss = ((ce - margin).clamp(min=0) + sparse * delta.abs().mean()
                + smooth * total_variation(delta))
        if reconstruct is not None and plausible:
            loss = loss + plausible * ((reconstruct(x) - x) ** 2).mean()
        loss.backward()
        opt.step()
    with torch.no_grad():
        found = changed(best)
    return ImageCounterfactual(
        "perturbation", as_rgb(image), as_rgb(found), target, original, probs_of(classify, found),
        flipped, step, time.perf_counter() - began,
        {"grid": grid, "sparse": sparse, "smooth": smooth, "plausible": plausible,
         "confidence": confidence})

"""Counterfactuals through a generator: search its latent space for an image the classifier
puts in the chosen class, staying close to the input (REVISE, Joshi et al. 2019, eq. 3):

    z* = argmin_z  CE(f(G(z)), target) + closeness * |G(z) - x|_1 + prior * |z|^2 / 2

The counterfactual G(z*) is plausible because it is something the generator (trained on the
model's data) draws; the |z|^2 term keeps z where the N(0, I) prior puts digits. The start
is the input's own latent (its encoder mean, or a fitted inversion without an encoder); the
search stops at the first step where the model gives ``target`` at least ``confidence``.
"""
from __future__ import annotations

import time
from typing import Callable

import numpy as np
import torch
from torch import nn

from explainers.counterfactual.image_result import ImageCounterfactual

Images = Callable[[torch.Tensor], torch.Tensor]


def invert(decode: Images, image: torch.Tensor, latent: int, steps: int = 300,
           lr: float = 0.1, seed: int = 0) -> torch.Tensor:
    """(1, latent) z with G(z) closest to ``image`` (mean squared error), from a seeded start."""
    z = (0.1 * torch.randn(1, latent, generator=torch.Generator().manual_seed(seed))).requires_grad_()
    opt = torch.optim.Adam([z], lr=lr)
    for _ in range(steps):
        opt.zero_grad()
        ((decode(z) - image) ** 2).mean().backward()
        opt.step()
    return z.detach()


def as_rgb(x: torch.Tensor) -> np.ndarray:
    """(1, C, H, W) in [0, 1] -> (H, W, 3) float NumPy (grey repeated)."""
    x = x.detach()[0].clamp(0, 1)
    return (x.expand(3, -1, -1) if x.shape[0] == 1 else x).permute(1, 2, 0).numpy().astype(np.float64)


def probs_of(classify: Images, x: torch.Tensor) -> np.ndarray:
    with torch.no_grad():
        return torch.softmax(classify(x).double(), dim=1)[0].numpy()


def latent_counterfactual(classify: Images, decode: Images, image: torch.Tensor, target: int, *,
                          latent: int, start: torch.Tensor | None = None, steps: int = 300,
                          lr: float = 0.05, closeness: float = 1.0, prior: float = 0.01,
                          confidence: float = 0.9) -> ImageCounterfactual:
    """``classify``: images (N, C, H, W) in [0, 1] -> logits; ``decode``: (N, latent) -> images.
    ``image``: (1, C, H, W) in [0, 1]; ``start``: its latent (default: ``invert``)."""
    began = time.perf_counter()
    original = probs_of(classify, image)
    if not 0 <= target < len(original):
        raise ValueError(f"target {target} is outside 0..{len(original) - 1}")
    z0 = invert(decode, image, latent) if start is None else start.detach().reshape(1, latent)
    z = z0.clone().requires_grad_()
    opt = torch.optim.Adam([z], lr=lr)
    goal = torch.tensor([target])
    best, best_p, flipped, step = z0.clone(), -1.0, False, 0
    for step in range(1, steps + 1):
        opt.zero_grad()
        x = decode(z)
        logits = classify(x)
        p = float(torch.softmax(logits.detach().double(), dim=1)[0, target])
        if p > best_p:
            best, best_p = z.detach().clone(), p
        if p >= confidence and int(logits.argmax()) == target:
            flipped = True
            break
        loss = (nn.functional.cross_entropy(logits, goal) + closeness * (x - image).abs().mean()
                + prior * 0.5 * (z ** 2).sum())
        loss.backward()
        opt.step()
    with torch.no_grad():
        found, recon = decode(best), decode(z0)
    return ImageCounterfactual(
        "latent", as_rgb(image), as_rgb(found), target, original, probs_of(classify, found),
        flipped, step, time.perf_counter() - began,
        {"reconstruction": as_rgb(recon), "reconstruction_probs": probs_of(classify, recon),
         "latent_start": z0[0].numpy(), "latent_end": best[0].numpy(),
         "closeness": closeness, "prior": prior, "confidence": confidence})

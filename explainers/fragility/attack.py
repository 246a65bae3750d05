"""Attacks on interpretation (Ghorbani et al. 2019; Dombrowski et al. 2019): within an L-inf
ball of radius epsilon, keep the predicted label and move the map.

Projected sign-gradient steps (Ghorbani et al. 2019, alg. 1) on the map objective of a
softplus-smoothed copy, its beta raised from 10 to 100 over the steps as in Dombrowski et
al.'s reference code (``beta_growth``), plus their term that holds the output.
Every step is checked on the real (ReLU) copy at 8-bit precision; the best step whose
label is unchanged wins, so the saved PNG reproduces the result exactly.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import torch

from explainers.fragility.maps import attackable_methods, differentiable_map, to_input_grid
from explainers.fragility.metrics import TOP_K
from explainers.fragility.objectives import make_objective
from explainers.fragility.smooth import set_beta, smoothed_copy
from explainers.private_copy import private_copy
from explainers.progress import report
from model_zoo import ImageClassifier

# The output term of Dombrowski et al. (2019, eq. 4): gamma ||g(x_adv) - g(x)||^2 on the
# class probabilities, so the prediction stays put while the map moves.
OUTPUT_WEIGHT = 1.0


@dataclass(frozen=True)
class AttackSettings:
    kind: str = "top_k"
    epsilon: float = 8 / 255
    steps: int = 20
    step_size: float = 1 / 255
    beta_start: float = 10.0
    beta_end: float = 100.0
    k: int = TOP_K
    region: tuple[float, float, float, float] | None = None


@dataclass(frozen=True)
class Attacked:
    """The original and attacked inputs (1, 3, h, w) on the 8-bit grid, and how it went."""

    original: torch.Tensor
    attacked: torch.Tensor
    label: int
    objective_curve: tuple[float, ...]  # the real map's objective at each step (nan: label lost)
    steps: int
    seconds: float


def quantise(x: torch.Tensor) -> torch.Tensor:
    return (x * 255).round().clamp(0, 255) / 255


def project(x0: torch.Tensor, x: torch.Tensor, epsilon: float) -> torch.Tensor:
    """Into the L-inf ball around x0 and the valid range [0, 1]."""
    return (x0 + (x - x0).clamp(-epsilon, epsilon)).clamp(0, 1)


def grid_project(x0: torch.Tensor, x: torch.Tensor, epsilon: float) -> torch.Tensor:
    """8-bit pixels within floor(255 epsilon) levels of x0 (itself on the grid)."""
    return project(x0, quantise(x), np.floor(epsilon * 255 + 1e-6) / 255)


def real_map(model: ImageClassifier, net, x: torch.Tensor, method: str, label: int):
    """(logits, map at the input's size) of the method on ``net``, detached."""
    with torch.enable_grad():
        logits, scores = differentiable_map(model, method, net, x.detach().requires_grad_(True),
                                            label)
    return logits.detach(), to_input_grid(scores, tuple(x.shape[-2:])).detach()


def attack(model: ImageClassifier, image: torch.Tensor, method: str,
           settings: AttackSettings = AttackSettings()) -> Attacked:
    """Attack ``method``'s map of ``model``'s predicted class on a (3, H, W) image in [0, 1]."""
    if method not in attackable_methods():
        raise ValueError(f"no attack for method {method!r}; choose one of "
                         f"{', '.join(attackable_methods())}")
    if not 0 < settings.epsilon <= 1 or settings.steps < 1:
        raise ValueError("the attack needs 0 < epsilon <= 1 and steps >= 1")
    started = time.perf_counter()
    x0 = quantise(model.preprocess(image).detach())
    plain, smooth = private_copy(model.module), smoothed_copy(model.module, settings.beta_start)
    logits, original = real_map(model, plain, x0, method, 0)
    label, start = int(logits.argmax()), torch.softmax(logits, -1)
    _, original = real_map(model, plain, x0, method, label)
    objective = make_objective(settings.kind, original.numpy(), settings.k, settings.region)
    x, best, best_score, curve = x0.clone(), x0, float(objective(original)), []
    for step in range(settings.steps):
        set_beta(smooth, settings.beta_start * (settings.beta_end / settings.beta_start)
                 ** (step / max(settings.steps - 1, 1)))
        with torch.enable_grad():
            delta = (x - x0).requires_grad_(True)
            logits, scores = differentiable_map(model, method, smooth, x0 + delta, label)
            loss = objective(to_input_grid(scores, tuple(x0.shape[-2:])))
            loss = loss + OUTPUT_WEIGHT * (torch.softmax(logits, -1) - start).pow(2).sum()
            (grad,) = torch.autograd.grad(loss, delta)
        x = project(x0, x - settings.step_size * grad.sign(), settings.epsilon)
        candidate = grid_project(x0, x, settings.epsilon)
        logits, scores = real_map(model, plain, candidate, method, label)
        kept = int(logits.argmax()) == label
        score = float(objective(scores)) if kept else float("nan")
        curve.append(score)
        if kept and score < best_score:
            best, best_score = candidate, score
        report((step + 1) / settings.steps, f"attack step {step + 1}/{settings.steps}")
    return Attacked(x0, best, label, tuple(curve), settings.steps,
                    time.perf_counter() - started)

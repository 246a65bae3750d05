"""Batched Integrated Gradients (Sundararajan et al. 2017, eq. 1) for any input shape.

Gauss-Legendre nodes on [0, 1], like captum's default, so the two agree to float
precision (tested). Ours batches the path points in fixed chunks and needs no
hooks; it is shared by the image and the text (embedding) variants, and the gradients at
path points (``path_gradients``) are the ones the adaptive rule (``adaptive_path``) uses too.
"""
from __future__ import annotations

from typing import Callable

import numpy as np
import torch

from explainers.gradients import Targets, input_gradient, target_scores

Forward = Callable[[torch.Tensor], torch.Tensor]


def gauss_legendre(steps: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Nodes and weights of a ``steps``-point Gauss-Legendre rule on [0, 1]."""
    nodes, weights = np.polynomial.legendre.leggauss(steps)
    return torch.tensor((nodes + 1) / 2, dtype=torch.float32), torch.tensor(weights / 2,
                                                                            dtype=torch.float32)


def path_gradients(forward: Forward, baseline: torch.Tensor, difference: torch.Tensor,
                   alphas: torch.Tensor, targets: Targets, create_graph: bool = False
                   ) -> tuple[torch.Tensor, torch.Tensor]:
    """Gradients (len(alphas), N, ...) of each row's target at ``baseline + a difference``,
    and the targets' logits there (len(alphas), N), in one pass for all points and rows."""
    rows = len(baseline)
    a = alphas.view(-1, 1, *[1] * (baseline.dim() - 1))
    path = (baseline[None] + a * difference[None]).flatten(0, 1)
    repeated = targets if isinstance(targets, int) else targets.repeat(len(alphas))
    grad, logits = input_gradient(forward, path, repeated, create_graph)
    scores = target_scores(logits, repeated)
    return grad.unflatten(0, (len(alphas), rows)), scores.view(len(alphas), rows)


def integrated_gradients_batch(forward: Forward, x: torch.Tensor, baseline: torch.Tensor,
                               targets: Targets, steps: int = 50, batch: int = 16,
                               create_graph: bool = False
                               ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Attributions (shape of ``x``), completeness deltas (N,) and logits (N, classes) at ``x``.

    ``forward`` maps a batch of inputs to logits (N, classes); about ``batch`` inputs per pass
    (``batch // N`` path points for each of the N rows, at least one). ``create_graph``: the
    attributions stay differentiable in ``x``.
    """
    alphas, weights = gauss_legendre(steps)
    difference = x - baseline
    summed = torch.zeros_like(x)
    points = max(1, batch // len(x))  # about ``batch`` inputs per pass, however many rows
    for start in range(0, steps, points):
        grads, _ = path_gradients(forward, baseline, difference, alphas[start:start + points],
                                  targets, create_graph)
        w = weights[start:start + points].view(-1, *[1] * x.dim())
        summed = summed + (grads * w).sum(0)
    attributions = difference * summed
    with torch.enable_grad() if create_graph else torch.inference_mode():
        ends = forward(torch.cat([x, baseline]))
    both = ends.unflatten(0, (2, len(x)))
    change = target_scores(both[0], targets) - target_scores(both[1], targets)
    deltas = (attributions.flatten(1).sum(1) - change).detach()
    if create_graph:
        return attributions, deltas, both[0]
    return attributions.detach(), deltas.clone(), both[0].clone()


def integrated_gradients(forward: Forward, x: torch.Tensor, baseline: torch.Tensor, target: int,
                         steps: int = 50, batch: int = 16) -> tuple[torch.Tensor, float]:
    """Attributions of shape ``x.shape`` (batch of one) and the completeness delta."""
    attributions, deltas, _ = integrated_gradients_batch(forward, x, baseline, target, steps, batch)
    return attributions, float(deltas[0])

"""Integrated Gradients with adaptive steps (Sundararajan et al. 2017, eq. 1 and prop. 1).

Completeness says the attributions add up to F(x) - F(baseline); the quadrature error is
what breaks it. We refine until the gap is under ``tolerance`` of that logit change or the
step cap is reached. The composite trapezoid rule nests: doubling the intervals keeps every
point already computed and adds only the midpoints (Gauss-Legendre nodes do not nest, so a
refinement there would recompute everything). Its end points are the input and the baseline,
whose forward passes give F(x) and F(baseline) for free.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch

from explainers.path_integral import Forward

TOLERANCE = 0.01  # gap / |logit change|
MAX_STEPS = 256


@dataclass(frozen=True)
class AdaptiveResult:
    attributions: torch.Tensor
    delta: float  # sum of attributions - (F(x) - F(baseline))
    steps: int  # trapezoid intervals used (steps + 1 gradient evaluations)
    gap_share: float  # |delta| / |F(x) - F(baseline)|


def path_gradients(forward: Forward, baseline: torch.Tensor, difference: torch.Tensor,
                   alphas: torch.Tensor, target: int, batch: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Sum over ``alphas`` of the target's gradient on the path, and the logits there."""
    summed, logits = torch.zeros_like(baseline), []
    shape = (-1,) + (1,) * (baseline.dim() - 1)
    with torch.enable_grad():
        for start in range(0, len(alphas), batch):
            a = alphas[start:start + batch].view(shape)
            path = (baseline + a * difference).requires_grad_(True)
            out = forward(path)[:, target]
            (grad,) = torch.autograd.grad(out.sum(), path)
            summed += grad.sum(0, keepdim=True)
            logits.append(out.detach())
    return summed, torch.cat(logits)


def adaptive_integrated_gradients(forward: Forward, x: torch.Tensor, baseline: torch.Tensor,
                                  target: int, start_steps: int = 16, max_steps: int = MAX_STEPS,
                                  tolerance: float = TOLERANCE, batch: int = 16) -> AdaptiveResult:
    """Trapezoid IG over ``start_steps`` intervals, doubled until the gap is small enough."""
    if start_steps < 1 or max_steps < start_steps:
        raise ValueError(f"need 1 <= start_steps <= max_steps, got {start_steps}, {max_steps}")
    difference = x - baseline
    n = start_steps
    alphas = torch.linspace(0.0, 1.0, n + 1)
    ends, end_logits = path_gradients(forward, baseline, difference, alphas[[0, -1]], target, batch)
    inner, _ = path_gradients(forward, baseline, difference, alphas[1:-1], target, batch)
    change = float(end_logits[1] - end_logits[0])
    while True:
        attributions = difference * (ends / 2 + inner) / n
        delta = float(attributions.sum()) - change
        share = abs(delta) / max(abs(change), 1e-12)
        if share < tolerance or 2 * n > max_steps:
            return AdaptiveResult(attributions.detach(), delta, n, share)
        midpoints = (torch.arange(n, dtype=torch.float32) * 2 + 1) / (2 * n)
        more, _ = path_gradients(forward, baseline, difference, midpoints, target, batch)
        inner, n = inner + more, 2 * n

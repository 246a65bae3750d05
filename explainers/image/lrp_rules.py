"""LRP rules as autograd functions whose backward pass carries relevance, not gradient.

Bach et al. 2015; Montavon et al. 2019 ("Layer-wise relevance propagation: an overview",
eq. 1-2 for the rules, sec. 10.2.1 for the implementation as a modified backward pass).
A layer z = f(a; W, b) sends relevance R (the incoming 'gradient') down as
  epsilon:  R_in = a * J_f^T (R / (z + eps sign z))                          (eq. 2)
  z+:       R_in = a+ * J_{f(W+)}^T s + a- * J_{f(W-)}^T s,  s = R / (f(a+; W+) + f(a-; W-))
The z+ form is LRP-alpha1-beta0 (eq. 3 with gamma -> inf), equal to z+ for a >= 0 and
still non-negative for signed inputs; it ignores biases, as the rule does.
"""
from __future__ import annotations

from typing import Callable

import torch

LayerFn = Callable[[torch.Tensor, torch.Tensor | None, torch.Tensor | None], torch.Tensor]
TINY = 1e-12


def stabilised(z: torch.Tensor, eps: float) -> torch.Tensor:
    """z + eps * sign(z), with sign(+0) = +1 so nothing divides by zero."""
    return z + torch.copysign(torch.tensor(eps, dtype=z.dtype), z)


class LinearRule(torch.autograd.Function):
    """Forward ``fn(a, weight, bias)``; backward: relevance at ``a`` by the chosen rule.

    ``weight`` may be None for weightless linear maps (average pooling, means), whose
    implicit weights are positive.
    """

    @staticmethod
    def forward(ctx, a, fn, weight, bias, rule, eps):
        ctx.fn, ctx.weight, ctx.rule, ctx.eps = fn, weight, rule, eps
        if rule == "epsilon":  # keep the forward's graph: the vjp needs no second forward
            with torch.enable_grad():
                ctx.leaf = a.detach().requires_grad_(True)
                ctx.out = fn(ctx.leaf, weight, bias)
            return ctx.out.detach()
        ctx.save_for_backward(a)
        return fn(a, weight, bias)

    @staticmethod
    def backward(ctx, relevance):
        if ctx.rule == "epsilon":
            out, leaf = ctx.out, ctx.leaf
            (c,) = torch.autograd.grad(out, leaf, relevance / stabilised(out.detach(), ctx.eps))
            del ctx.out, ctx.leaf
            return leaf.detach() * c, None, None, None, None, None
        (a,) = ctx.saved_tensors
        return z_plus(ctx.fn, a, ctx.weight, relevance), None, None, None, None, None


def z_plus(fn: LayerFn, a: torch.Tensor, weight: torch.Tensor | None,
           relevance: torch.Tensor) -> torch.Tensor:
    """The z+ / alpha1-beta0 redistribution of ``relevance`` onto ``a``."""
    parts = [(a.clamp(min=0), None if weight is None else weight.clamp(min=0))]
    if weight is not None and bool((a < 0).any()):
        parts.append((a.clamp(max=0), weight.clamp(max=0)))
    with torch.enable_grad():
        leaves = [part.detach().requires_grad_(True) for part, _ in parts]
        z = sum(fn(leaf, w, None) for leaf, (_, w) in zip(leaves, parts))
        grads = torch.autograd.grad(z, leaves, relevance / (z.detach() + TINY))
    return sum(leaf.detach() * g for leaf, g in zip(leaves, grads))


class SumRule(torch.autograd.Function):
    """x + y (a residual connection) as a layer with unit weights: relevance is split in
    proportion to each term's contribution (epsilon) or positive contribution (z+)."""

    @staticmethod
    def forward(ctx, x, y, rule, eps):
        ctx.save_for_backward(x, y)
        ctx.rule, ctx.eps = rule, eps
        return x + y

    @staticmethod
    def backward(ctx, relevance):
        x, y = ctx.saved_tensors
        if ctx.rule == "epsilon":
            s = relevance / stabilised(x + y, ctx.eps)
            return x * s, y * s, None, None
        xp, yp = x.clamp(min=0), y.clamp(min=0)
        s = relevance / (xp + yp + TINY)
        return xp * s, yp * s, None, None


class PassRule(torch.autograd.Function):
    """An element-wise map (rectifier, ReLU6, input normalisation) hands each element's
    relevance to its one input unchanged: Montavon et al. 2019, sec. 10.2.1."""

    @staticmethod
    def forward(ctx, a, fn):
        return fn(a)

    @staticmethod
    def backward(ctx, relevance):
        return relevance, None

"""Attribution maps that stay differentiable in the input (``create_graph=True``), so an
attack can follow the gradient of a map (a double backward). Same formulas as the
registered methods: on an unsmoothed copy they give the same maps (tested).
"""
from __future__ import annotations

from typing import Callable

import torch
import torch.nn.functional as F
from torch import nn

from explainers.path_integral import gauss_legendre
from explainers.private_copy import captured_output

# map_fn(net, x, target, layer) -> (logits (1, K), map (h, w)); x requires grad
MapFn = Callable[[nn.Module, torch.Tensor, int, "nn.Module | None"], tuple[torch.Tensor, torch.Tensor]]
ATTACK_IG_STEPS = 8  # path points inside the attack; the reported maps use the method's own


def _grad(score: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    return torch.autograd.grad(score, x, create_graph=True)[0]


def saliency_map(net, x, target, layer=None):
    logits = net(x)
    return logits, _grad(logits[:, target].sum(), x).abs().amax(dim=1)[0]


def grad_x_input_map(net, x, target, layer=None):
    logits = net(x)
    return logits, (_grad(logits[:, target].sum(), x) * x).sum(dim=1)[0]


def integrated_gradients_map(net, x, target, layer=None, steps: int = ATTACK_IG_STEPS):
    """IG from black (Sundararajan et al. 2017, eq. 1), Gauss-Legendre nodes, one batch."""
    alphas, weights = gauss_legendre(steps)
    path = alphas.view(-1, 1, 1, 1) * x
    outputs = net(torch.cat([x, path]))
    grads = _grad(outputs[1:, target].sum(), path)
    return outputs[:1], (x * (grads * weights.view(-1, 1, 1, 1)).sum(0, keepdim=True)).sum(1)[0]


def gradcam_map(net, x, target, layer):
    """Grad-CAM (Selvaraju et al. 2017, eq. 1-2) at ``layer`` of ``net`` (a private copy)."""
    with captured_output(layer) as outputs:
        logits = net(x)
    activations = outputs[-1]
    grads = _grad(logits[:, target].sum(), activations)
    cam = F.relu((grads.mean(dim=(2, 3), keepdim=True) * activations).sum(1))[0]
    return logits, cam


MAPS: dict[str, MapFn] = {"saliency": saliency_map, "grad_x_input": grad_x_input_map,
                          "integrated_gradients": integrated_gradients_map,
                          "gradcam": gradcam_map}


def to_input_grid(scores: torch.Tensor, size: tuple[int, int]) -> torch.Tensor:
    """A (h, w) map upsampled (differentiably) to the input's (H, W)."""
    if tuple(scores.shape) == tuple(size):
        return scores
    return F.interpolate(scores[None, None], size=size, mode="bilinear", align_corners=False)[0, 0]

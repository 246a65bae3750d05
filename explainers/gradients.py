"""Gradients of target logits, for a batch, with no ``.backward()`` on shared parameters.

Every gradient method reads its gradients here: the input gradient (saliency, gradient x
input, the Integrated Gradients path) and a layer's gradient (the CAM family, TCAV). Each
image has its own target; the targets' logits are summed before one ``torch.autograd.grad``,
which gives every image its own gradient because an eval-mode network treats the images of a
batch independently. ``create_graph`` keeps the result differentiable in the input (the
fragility attack follows the gradient of a map, a double backward).
"""
from __future__ import annotations

from typing import Callable

import torch
from torch import nn

from explainers.hooks import captured

Forward = Callable[[torch.Tensor], torch.Tensor]
Targets = int | torch.Tensor | None  # one class for every row, (N,) classes, or each top class


def target_scores(logits: torch.Tensor, targets: Targets) -> torch.Tensor:
    """(N,) logits of each row's target (None: each row's top class)."""
    if targets is None:
        targets = logits.detach().argmax(dim=1)
    if isinstance(targets, int) or (torch.is_tensor(targets) and targets.dim() == 0):
        return logits[:, int(targets)]
    return logits.gather(1, targets.to(logits.device).long().view(-1, 1))[:, 0]


def input_gradient(forward: Forward, x: torch.Tensor, targets: Targets,
                   create_graph: bool = False) -> tuple[torch.Tensor, torch.Tensor]:
    """(d logit[target] / d x, logits) for a batch ``x``.

    Without ``create_graph`` ``x`` is detached first; with it, ``x`` must be part of the
    caller's graph (it requires grad) and both results stay in it.
    """
    with torch.enable_grad():
        leaf = x if create_graph else x.detach().clone().requires_grad_(True)
        logits = forward(leaf)
        (grad,) = torch.autograd.grad(target_scores(logits, targets).sum(), leaf,
                                      create_graph=create_graph)
    return grad, (logits if create_graph else logits.detach())


def target_gradient(forward: Forward, x: torch.Tensor, target: Targets) -> torch.Tensor:
    """d logit[target] / d x for a batch ``x``."""
    return input_gradient(forward, x, target)[0]


def layer_gradient(net: nn.Module, layer: nn.Module, x: torch.Tensor, targets: Targets,
                   create_graph: bool = False
                   ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(activations, d logit[target] / d activations, logits) of ``layer`` inside ``net``.

    ``net`` must be a private copy (the hook goes on it). Without ``create_graph`` the graph
    starts at the layer (``captured(leaf=True)``), so the forward below it is as cheap as
    inference; with it, the activations stay in the graph of ``x``.
    """
    with captured(layer, leaf=not create_graph) as outputs, torch.enable_grad():
        logits = net(x if create_graph else x.detach().float())
        activations = outputs[-1]
        (grads,) = torch.autograd.grad(target_scores(logits, targets).sum(), activations,
                                       create_graph=create_graph)
    if create_graph:
        return activations, grads, logits
    return activations.detach(), grads, logits.detach()

"""Attribution maps that stay differentiable in the input (``create_graph=True``), so an
attack can follow the gradient of a map (a double backward).

The methods are the registry's ``differentiable`` ones, and each map is the method's own
batched form (``batch_fn``) run on the given network (a private or a softplus-smoothed copy)
with its ``differentiable`` settings: one formula per method, here and on the pages.
"""
from __future__ import annotations

from typing import Callable

import torch
import torch.nn.functional as F
from torch import nn

from explainers.registry import differentiable_methods, explainer_entry
from model_zoo import ImageClassifier

# map_fn(model, net, x, target) -> (logits (1, K), map (h, w)); x requires grad
MapFn = Callable[[ImageClassifier, nn.Module, torch.Tensor, int], tuple[torch.Tensor, torch.Tensor]]


def attackable_methods() -> list[str]:
    """The image methods whose maps an attack can follow (registry order)."""
    return differentiable_methods("image")


def differentiable_map(model: ImageClassifier, method: str, net: nn.Module, x: torch.Tensor,
                       target: int, **params) -> tuple[torch.Tensor, torch.Tensor]:
    """(logits (1, K), map (h, w)) of ``method`` on ``net`` for ``x`` (1, 3, H, W), kept in
    ``x``'s graph; ``params`` override the method's ``differentiable`` settings."""
    entry = explainer_entry(method)
    if entry.differentiable is None or entry.batch_fn is None:
        raise ValueError(f"no differentiable map for method {method!r}; choose one of "
                         f"{', '.join(attackable_methods())}")
    settings = {**entry.defaults, **entry.differentiable, **params}
    maps, logits = entry.batch_fn(model, x, torch.tensor([target]), net=net, create_graph=True,
                                  **settings)
    return logits, maps[0]


def to_input_grid(scores: torch.Tensor, size: tuple[int, int]) -> torch.Tensor:
    """A (h, w) map upsampled (differentiably) to the input's (H, W)."""
    if tuple(scores.shape) == tuple(size):
        return scores
    return F.interpolate(scores[None, None], size=size, mode="bilinear", align_corners=False)[0, 0]

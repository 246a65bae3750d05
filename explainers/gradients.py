"""Input gradients of a target logit, with no ``.backward()`` on shared parameters."""
from __future__ import annotations

from typing import Callable

import torch


def target_gradient(forward: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor,
                    target: int) -> torch.Tensor:
    """d logit[target] / d x for a batch ``x``, via ``torch.autograd.grad``."""
    with torch.enable_grad():
        x = x.detach().clone().requires_grad_(True)
        score = forward(x)[:, target].sum()
        (grad,) = torch.autograd.grad(score, x)
    return grad

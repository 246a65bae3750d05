"""A softplus-smoothed private copy of a ReLU network (Dombrowski et al. 2019, sec. 4).

A ReLU network is piecewise linear, so the gradient of a gradient map with respect to the
input is zero almost everywhere and an attack on the map has nothing to follow. Replacing
ReLU by softplus_beta(x) = log(1 + exp(beta x)) / beta (-> ReLU as beta -> inf) gives a
smooth copy whose maps approach the original's; ReLU6 = min(max(x, 0), 6) becomes
softplus_beta(x) - softplus_beta(x - 6). The copy shares the frozen weights (no memory).
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from explainers.private_copy import private_copy


class SoftplusReLU6(nn.Module):
    """Smooth ReLU6: softplus_beta(x) - softplus_beta(x - 6)."""

    def __init__(self, beta: float) -> None:
        super().__init__()
        self.beta = float(beta)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.softplus(x, self.beta) - F.softplus(x - 6, self.beta)


def smooth_module(module: nn.Module, beta: float) -> nn.Module | None:
    """The softplus stand-in for a ReLU-family module, or None to keep it."""
    if isinstance(module, nn.ReLU6):
        return SoftplusReLU6(beta)
    if isinstance(module, nn.ReLU):
        return nn.Softplus(beta=float(beta))
    return None


def smoothed_copy(module: nn.Module, beta: float) -> nn.Module:
    """A private copy with every ReLU/ReLU6 module replaced by its softplus_beta version.

    (ReLUs called as functions inside ``forward`` cannot be swapped; the zoo's image
    models use modules.)
    """
    if beta <= 0:
        raise ValueError(f"beta must be positive, not {beta}")
    copy = private_copy(module)
    for name, child in list(copy.named_modules()):
        for child_name, grandchild in list(child.named_children()):
            stand_in = smooth_module(grandchild, beta)
            if stand_in is not None:
                setattr(child, child_name, stand_in)
    return copy


def set_beta(copy: nn.Module, beta: float) -> None:
    """Change beta in place (the attack raises it as it goes, like the reference code)."""
    for m in copy.modules():
        if isinstance(m, SoftplusReLU6):
            m.beta = float(beta)
        elif isinstance(m, nn.Softplus):
            m.beta = float(beta)

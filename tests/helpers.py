"""Assertions shared by the property and smoke tests."""
from __future__ import annotations

from torch import nn


def hook_count(module: nn.Module) -> int:
    """Every forward, pre-forward and backward hook on any submodule."""
    return sum(len(m._forward_hooks) + len(m._forward_pre_hooks) + len(m._backward_hooks)
               + len(m._backward_pre_hooks) for m in module.modules())


def assert_untouched(module: nn.Module) -> None:
    """No hooks, and parameters frozen with no accumulated gradient."""
    assert hook_count(module) == 0
    for name, param in module.named_parameters():
        assert not param.requires_grad, name
        assert param.grad is None, name

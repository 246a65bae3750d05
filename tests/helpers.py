"""Assertions shared by the property and smoke tests."""
from __future__ import annotations

from functools import wraps
from typing import Callable, TypeVar

import torch
from torch import nn

T = TypeVar("T")


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


def on_one_torch_thread(fn: Callable[..., T]) -> Callable[..., T]:
    """fn, run with one intra-op thread in whichever thread calls it.

    Thread-versus-sequential tests compare maps to 1e-4; a different intra-op thread count
    splits the convolution reductions differently and moves gradients by more than that.
    `torch.set_num_threads` only reaches the calling thread's OpenMP pool, so an earlier
    AppTest run of app.py (which sets 1) left the main thread at 2 and new threads at 1.
    """
    @wraps(fn)
    def pinned(*args, **kwargs):
        torch.set_num_threads(1)
        return fn(*args, **kwargs)
    return pinned

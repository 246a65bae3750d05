"""Hooks without touching the shared model.

A cached model is shared by every browser session, so a method that needs a forward
hook puts it on a private copy: new module objects that share the (frozen) parameter
and buffer tensors, so the copy costs no weight memory. Hooks on the copy never fire
for another session's forward pass, and are removed on exit anyway.
"""
from __future__ import annotations

import copy
import itertools
from contextlib import contextmanager
from typing import Iterator

import torch
from torch import nn


def private_copy(module: nn.Module) -> nn.Module:
    """A structural copy of ``module`` whose parameters and buffers are the same tensors."""
    memo = {id(t): t for t in itertools.chain(module.parameters(), module.buffers())}
    return copy.deepcopy(module, memo)


@contextmanager
def captured_output(layer: nn.Module) -> Iterator[list[torch.Tensor]]:
    """Collect ``layer``'s forward outputs into a list while the block runs."""
    outputs: list[torch.Tensor] = []
    handle = layer.register_forward_hook(lambda _m, _i, out: outputs.append(out))
    try:
        yield outputs
    finally:
        handle.remove()

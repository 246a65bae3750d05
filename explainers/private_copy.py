"""Hooks without touching the shared model.

A cached model is shared by every browser session, so a method that needs a forward
hook puts it on a private copy: new module objects that share the (frozen) parameter
and buffer tensors, so the copy costs no weight memory. Hooks on the copy never fire
for another session's forward pass, and are removed on exit anyway (``explainers.hooks``).
"""
from __future__ import annotations

import copy
import itertools

from torch import nn


def private_copy(module: nn.Module) -> nn.Module:
    """A structural copy of ``module`` whose parameters and buffers are the same tensors."""
    memo = {id(t): t for t in itertools.chain(module.parameters(), module.buffers())}
    return copy.deepcopy(module, memo)

"""The one forward hook every method uses: read a layer's output while a block runs.

Hooks go on private copies of a shared model (``explainers.private_copy``) and are removed
on exit, also when the block raises (pytorch-grad-cam's ``base_cam.__exit__``; captum's
hook-removal tests). ``leaf``: the output is replaced by a detached copy that requires grad,
so the graph starts at the layer and the forward below it records nothing for autograd
(frozen weights, an input without grad) and runs as fast as inference (captum's LayerGradCam
hooks the same way; issue 12). ``stop``: the forward ends at the layer (``StopForward``).
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

import torch
from torch import nn


class StopForward(Exception):
    """Raised by a hook to skip the rest of the network once the layer is read."""


def first_tensor(output: object) -> torch.Tensor:
    """A layer's output, or the first element of a tuple output (transformer layers)."""
    return output if isinstance(output, torch.Tensor) else output[0]


@contextmanager
def captured(layer: nn.Module | None, *, leaf: bool = False,
             stop: bool = False) -> Iterator[list[torch.Tensor]]:
    """Collect ``layer``'s forward outputs (first tensor of a tuple) while the block runs.

    ``layer`` None hooks nothing (the caller reads the model's own output, e.g. logits).
    """
    outputs: list[torch.Tensor] = []

    def hook(_module: nn.Module, _inputs: object, output: object) -> torch.Tensor | None:
        out = first_tensor(output)
        if leaf:
            out = out.detach().requires_grad_(True)
        outputs.append(out)
        if stop:
            raise StopForward
        return out if leaf and isinstance(output, torch.Tensor) else None

    handle = None if layer is None else layer.register_forward_hook(hook)
    try:
        yield outputs
    finally:
        if handle is not None:
            handle.remove()


def forward_until(net: nn.Module, x: torch.Tensor) -> torch.Tensor | None:
    """``net(x)``, or None when a ``stop`` hook ended the forward early."""
    try:
        return net(x)
    except StopForward:
        return None

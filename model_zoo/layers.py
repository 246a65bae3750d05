"""Finding the convolutional blocks of a model that has no hand-written layer list."""
from __future__ import annotations

import copy

import torch
from torch import nn


def spatial_blocks(module: nn.Module, input_size: tuple[int, int]) -> list[str]:
    """Names of the blocks, in forward order, whose outputs are (N, C, h, w) maps.

    A block is a child of an ``nn.Sequential`` or ``nn.ModuleList``. One forward pass on a
    private copy with hooks finds them; the shared model is never hooked.
    """
    probe = copy.deepcopy(module)
    names = {id(m): n for n, m in probe.named_modules()}
    found: list[str] = []

    def record(mod: nn.Module, _inputs, output) -> None:
        if isinstance(output, torch.Tensor) and output.dim() == 4 and min(output.shape[-2:]) > 1:
            found.append(names[id(mod)])

    handles = [child.register_forward_hook(record)
               for parent in probe.modules() if isinstance(parent, (nn.Sequential, nn.ModuleList))
               for child in parent.children()]
    try:
        with torch.inference_mode():
            probe(torch.zeros(1, 3, *input_size))
    finally:
        for handle in handles:
            handle.remove()
    return list(dict.fromkeys(found))


def pick_by_names(names: list[str]):
    """A ``target_layers`` picker that looks the named blocks up in the given module."""

    def pick(module: nn.Module) -> list[nn.Module]:
        return [module.get_submodule(n) for n in names]

    return pick

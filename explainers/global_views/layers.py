"""Naming the layers a global view can read, and reading them on a private copy.

Layers are named by their dotted module path (``model.module.get_submodule(name)``);
the hook (``explainers.hooks.captured``) always goes on a private copy of the shared model,
never on the model itself.
"""
from __future__ import annotations

from contextlib import ExitStack

import torch
from torch import nn

from explainers.hooks import captured

from model_zoo import Classifier, ImageClassifier

LOGITS = "logits"  # the model's output, offered alongside the named layers


def conv_layer_names(model: ImageClassifier) -> list[str]:
    """Every convolution and every CAM block of an image model, in module order."""
    blocks = {id(m) for m in model.target_layers(model.module)}
    return [name for name, m in model.module.named_modules()
            if name and (isinstance(m, nn.Conv2d) or id(m) in blocks)]


def block_names(model: ImageClassifier) -> list[str]:
    """The CAM blocks only (a short list for pickers), in forward order."""
    names = {id(m): n for n, m in model.module.named_modules()}
    return [names[id(m)] for m in model.target_layers(model.module) if id(m) in names]


def transformer_layer_names(module: nn.Module) -> list[str]:
    """Children of the longest ``nn.ModuleList``: the stacked layers of a transformer."""
    lists = [(name, m) for name, m in module.named_modules() if isinstance(m, nn.ModuleList)]
    if not lists:
        return []
    name, longest = max(lists, key=lambda item: len(item[1]))
    return [f"{name}.{i}" for i in range(len(longest))]


def projection_layer_names(model: Classifier) -> list[str]:
    """Layers a projection can pool: blocks (images) or transformer layers (text), then logits."""
    if isinstance(model, ImageClassifier):
        return block_names(model) + [LOGITS]
    return transformer_layer_names(model.module) + [LOGITS]


def named_layer(copy: nn.Module, layer: str) -> nn.Module | None:
    """The module called ``layer`` in a private copy; None for ``LOGITS`` (the output itself),
    which ``explainers.hooks.captured`` then leaves unhooked."""
    return None if layer == LOGITS else copy.get_submodule(layer)


def check_layer(model: Classifier, layer: str, allowed: list[str]) -> None:
    if layer not in allowed:
        shown = ", ".join(allowed[:6]) + (", …" if len(allowed) > 6 else "")
        raise ValueError(f"unknown layer {layer!r} for {model.name}; choose one of {shown}")


def layer_shapes(model: ImageClassifier, names: list[str]) -> dict[str, tuple[int, ...]]:
    """Output shape (without the batch axis) of each named layer, from one probe forward."""
    from explainers.private_copy import private_copy

    copy = private_copy(model.module)
    layers = [n for n in names if n != LOGITS]
    with ExitStack() as stack, torch.inference_mode():
        outputs = [stack.enter_context(captured(copy.get_submodule(n))) for n in layers]
        logits = copy(torch.zeros(1, 3, *model.input_size))
    shapes = {n: tuple(out[-1].shape[1:]) for n, out in zip(layers, outputs)}
    if LOGITS in names:
        shapes[LOGITS] = tuple(logits.shape[1:])
    return shapes

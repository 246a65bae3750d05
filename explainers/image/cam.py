"""The class-activation-map machinery shared by the CAM family.

A variant only says how to weigh the layer's channels from its activations and
gradients; the hook (on a private copy), the gradient and the ReLU live here once.
"""
from __future__ import annotations

from typing import Callable

import torch

from explainers.private_copy import captured_output, private_copy
from explainers.registry import MethodOutput
from model_zoo import Classifier, ImageClassifier

ChannelWeights = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


def has_cam_layers(model: Classifier) -> bool:
    return isinstance(model, ImageClassifier) and len(model.target_layers(model.module)) > 0


def class_activation_map(model: ImageClassifier, x: torch.Tensor, target: int, layer: int,
                         weigh: ChannelWeights) -> MethodOutput:
    """ReLU(sum_k w_k A_k) at the chosen layer, where ``weigh(A, dA) -> w`` of shape (1, K)."""
    copy = private_copy(model.module)
    layers = model.target_layers(copy)
    with captured_output(layers[layer]) as outputs, torch.enable_grad():
        logits = copy(x.detach().requires_grad_(True))  # frozen weights: the graph starts at x
        activations = outputs[-1]
        (gradients,) = torch.autograd.grad(logits[:, target].sum(), activations)
    weights = weigh(activations.detach(), gradients)
    cam = torch.relu((weights[:, :, None, None] * activations.detach()).sum(1))
    return MethodOutput(scores=cam[0], model_evals=1)


def cam_layer_names(model: ImageClassifier) -> list[str]:
    """Dotted names of the model's CAM layers in forward order (the ``layer`` index's choices)."""
    names = {id(m): n for n, m in model.module.named_modules()}
    return [names.get(id(m), f"layer {i}") for i, m in enumerate(model.target_layers(model.module))]

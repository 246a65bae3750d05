"""The class-activation-map machinery shared by the CAM family.

A variant only says how to weigh the layer's channels from its activations and
gradients (per channel, or per channel and position); the hook (on a private copy),
the gradient, the weighted sum and the ReLU live here once, for a batch of images (the
registered methods run it on a batch of one, the audit and the attack on many).
"""
from __future__ import annotations

from typing import Callable

import torch
from torch import nn

from explainers.copy_pool import borrowed_copy
from explainers.folded_norms import folded_module
from explainers.gradients import Targets, layer_gradient
from explainers.hooks import captured
from explainers.registry import MethodOutput
from explainers.shared_pass import GradientPass, SharedPart
from model_zoo import Classifier, ImageClassifier

# weigh(A, dA) -> (N, K) channel weights or (N, K, h, w) per-position weights; dA is None
# for gradient-free variants.
ChannelWeights = Callable[[torch.Tensor, torch.Tensor | None], torch.Tensor]


def has_cam_layers(model: Classifier) -> bool:
    return isinstance(model, ImageClassifier) and len(model.target_layers(model.module)) > 0


def pick_layer(layers: list[torch.nn.Module], layer: int) -> torch.nn.Module:
    """``layers[layer]`` with a clear message when the index is out of range."""
    if not -len(layers) <= int(layer) < len(layers):
        raise ValueError(f"layer {layer} is outside -{len(layers)}..{len(layers) - 1}")
    return layers[int(layer)]


def layer_activations(model: ImageClassifier, x: torch.Tensor, target: Targets, layer: int,
                      gradient: bool = True) -> tuple[torch.Tensor, torch.Tensor | None]:
    """The layer's activations (N, K, h, w) and, if asked, d logit[target] / d activations.

    The hook sits on a private copy borrowed from a pool (one caller at a time) and is
    removed on exit; gradients come from ``explainers.gradients.layer_gradient``. The
    copy's batch norms are folded into its convolutions (``explainers.folded_norms``).
    """
    with borrowed_copy(folded_module(model.module, model.target_layers)) as copy:
        chosen = pick_layer(model.target_layers(copy), layer)
        if not gradient:
            with captured(chosen) as outputs, torch.inference_mode():
                copy(x.float())
            return outputs[-1].clone(), None  # a normal tensor, usable outside inference mode
        activations, gradients, _ = layer_gradient(copy, chosen, x, target)
    return activations, gradients


def weighted_maps(activations: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
    """ReLU(sum_k w_k A_k), (N, h, w); ``weights`` is (N, K) or (N, K, h, w)."""
    if weights.dim() == 2:
        weights = weights[:, :, None, None]
    return torch.relu((weights * activations).sum(1))


def weighted_map(activations: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
    """``weighted_maps`` of a batch of one: (h, w)."""
    return weighted_maps(activations, weights)[0]


def class_activation_map(model: ImageClassifier, x: torch.Tensor, target: int, layer: int,
                         weigh: ChannelWeights, gradient: bool = True) -> MethodOutput:
    """ReLU(sum_k w_k A_k) at the chosen layer, where ``weigh(A, dA) -> w``."""
    if gradient:  # the batched form, on a batch of one: one formula for both
        maps, _ = cam_maps(model, x, target, layer, weigh)
        return MethodOutput(scores=maps[0], model_evals=1)
    activations, gradients = layer_activations(model, x, target, layer, gradient)
    return MethodOutput(scores=weighted_map(activations, weigh(activations, gradients)),
                        model_evals=1)


def cam_maps(model: ImageClassifier, x: torch.Tensor, targets: Targets, layer: int,
             weigh: ChannelWeights, net: nn.Module | None = None,
             create_graph: bool = False) -> tuple[torch.Tensor, torch.Tensor]:
    """(N, h, w) maps and (N, classes) logits of a gradient CAM for a batch, one pass each way.

    ``net``: a private copy to hook (default: a folded copy from the pool); ``create_graph``
    keeps the maps differentiable in ``x`` (the fragility attack). ``weigh`` must treat the
    images of the batch independently (Grad-CAM, Grad-CAM++, Layer-CAM do).
    """
    if net is None:
        with borrowed_copy(folded_module(model.module, model.target_layers)) as copy:
            return cam_maps(model, x, targets, layer, weigh, copy, create_graph)
    chosen = pick_layer(model.target_layers(net), layer)
    activations, gradients, logits = layer_gradient(net, chosen, x, targets, create_graph)
    return weighted_maps(activations, weigh(activations, gradients)), logits


def cam_part(weigh: ChannelWeights) -> SharedPart:
    """A gradient CAM's share of a pass with other methods: its layer, weighed by ``weigh``."""
    def read(_model: ImageClassifier, found: GradientPass, settings: dict) -> torch.Tensor:
        activations, gradients = found.layer(settings["layer"])
        return weighted_maps(activations, weigh(activations, gradients))

    return SharedPart(read, layer=True)


def cam_layer_names(model: ImageClassifier) -> list[str]:
    """Dotted names of the model's CAM layers in forward order (the ``layer`` index's choices)."""
    names = {id(m): n for n, m in model.module.named_modules()}
    return [names.get(id(m), f"layer {i}") for i, m in enumerate(model.target_layers(model.module))]


def layer_choices(model: Classifier) -> dict[int, str]:
    """The ``layer`` parameter's values for this model: index -> module name (forward order)."""
    return dict(enumerate(cam_layer_names(model))) if has_cam_layers(model) else {}


def early_layer(model: Classifier) -> int:
    """A cheap layer for quick runs: an early block of a deep net (16-24 channels on
    MobileNetV2 instead of 1280), the last layer of a small one."""
    return 1 if has_cam_layers(model) and len(model.target_layers(model.module)) > 4 else -1


CAM_LAYERS = {"layer": layer_choices}  # ``model_choices`` of every method with a ``layer``

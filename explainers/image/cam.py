"""The class-activation-map machinery shared by the CAM family.

A variant only says how to weigh the layer's channels from its activations and
gradients (per channel, or per channel and position); the hook (on a private copy),
the gradient, the weighted sum and the ReLU live here once.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Callable, Iterator

import torch

from explainers.copy_pool import borrowed_copy
from explainers.folded_norms import folded_module
from explainers.private_copy import captured_output
from explainers.registry import MethodOutput
from model_zoo import Classifier, ImageClassifier

# weigh(A, dA) -> (1, K) channel weights or (1, K, h, w) per-position weights; dA is None
# for gradient-free variants.
ChannelWeights = Callable[[torch.Tensor, torch.Tensor | None], torch.Tensor]


def has_cam_layers(model: Classifier) -> bool:
    return isinstance(model, ImageClassifier) and len(model.target_layers(model.module)) > 0


def pick_layer(layers: list[torch.nn.Module], layer: int) -> torch.nn.Module:
    """``layers[layer]`` with a clear message when the index is out of range."""
    if not -len(layers) <= int(layer) < len(layers):
        raise ValueError(f"layer {layer} is outside -{len(layers)}..{len(layers) - 1}")
    return layers[int(layer)]


@contextmanager
def captured_leaf(layer: torch.nn.Module) -> Iterator[list[torch.Tensor]]:
    """Replace ``layer``'s output by a detached copy that requires grad, and collect it.

    The graph then starts at the layer: the forward pass below it records nothing for
    autograd (frozen weights, an input without grad), so it runs as fast as inference.
    captum's LayerGradCam hooks the same way; with the input needing grad as well, we
    recorded the whole network and were slower than captum (issue 12).
    """
    outputs: list[torch.Tensor] = []

    def leaf(_module, _inputs, out: torch.Tensor) -> torch.Tensor:
        outputs.append(out.detach().requires_grad_(True))
        return outputs[-1]

    handle = layer.register_forward_hook(leaf)
    try:
        yield outputs
    finally:
        handle.remove()


def layer_activations(model: ImageClassifier, x: torch.Tensor, target: int, layer: int,
                      gradient: bool = True) -> tuple[torch.Tensor, torch.Tensor | None]:
    """The layer's activations (1, K, h, w) and, if asked, d logit[target] / d activations.

    The hook sits on a private copy borrowed from a pool (one caller at a time) and is
    removed on exit; gradients come from ``torch.autograd.grad`` (no ``.backward()``). The
    copy's batch norms are folded into its convolutions (``explainers.folded_norms``).
    """
    with borrowed_copy(folded_module(model.module, model.target_layers)) as copy:
        chosen = pick_layer(model.target_layers(copy), layer)
        if not gradient:
            with captured_output(chosen) as outputs, torch.inference_mode():
                copy(x.float())
            return outputs[-1].clone(), None  # a normal tensor, usable outside inference mode
        with captured_leaf(chosen) as outputs, torch.enable_grad():
            logits = copy(x.detach().float())
            activations = outputs[-1]
            (gradients,) = torch.autograd.grad(logits[:, target].sum(), activations)
    return activations.detach(), gradients


def weighted_map(activations: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
    """ReLU(sum_k w_k A_k), (h, w); ``weights`` is (1, K) or (1, K, h, w)."""
    if weights.dim() == 2:
        weights = weights[:, :, None, None]
    return torch.relu((weights * activations).sum(1))[0]


def class_activation_map(model: ImageClassifier, x: torch.Tensor, target: int, layer: int,
                         weigh: ChannelWeights, gradient: bool = True) -> MethodOutput:
    """ReLU(sum_k w_k A_k) at the chosen layer, where ``weigh(A, dA) -> w``."""
    activations, gradients = layer_activations(model, x, target, layer, gradient)
    return MethodOutput(scores=weighted_map(activations, weigh(activations, gradients)),
                        model_evals=1)


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

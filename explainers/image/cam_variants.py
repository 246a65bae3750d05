"""Grad-CAM++, Layer-CAM and Eigen-CAM: each is only its channel weighting (see cam.py)."""
from __future__ import annotations

from functools import partial

import torch
from torch import nn

from explainers.image.cam import (CAM_LAYERS, ChannelWeights, cam_maps, cam_part,
                                  class_activation_map, has_cam_layers)
from explainers.registry import MethodOutput, register_explainer
from model_zoo import ImageClassifier


def gradcam_pp_weights(activations: torch.Tensor, gradients: torch.Tensor) -> torch.Tensor:
    """Chattopadhay et al. 2018, eq. 19 and 9: alpha = g^2 / (2 g^2 + sum_ab A_ab g^3),
    w_k = sum_ij alpha_kij ReLU(g_kij) (the exponential's factor exp(S) cancels in the map)."""
    g2 = gradients ** 2
    denominator = 2 * g2 + activations.sum(dim=(2, 3), keepdim=True) * g2 * gradients
    alpha = torch.where(denominator != 0, g2 / denominator.where(denominator != 0, 1.0), 0.0)
    return (alpha * torch.relu(gradients)).sum(dim=(2, 3))


def layercam_weights(activations: torch.Tensor, gradients: torch.Tensor) -> torch.Tensor:
    """Jiang et al. 2021, eq. 5: each position keeps its own weight ReLU(g_kij)."""
    return torch.relu(gradients)


def eigencam_weights(activations: torch.Tensor, _gradients: None) -> torch.Tensor:
    """Muhammad & Yeasin 2020, eq. 3: project A (positions x channels) on its first right
    singular vector; the sign, arbitrary in an SVD, is chosen so the projection sums >= 0."""
    flat = activations[0].flatten(1).T.double()  # (h*w, K)
    vector = torch.linalg.svd(flat, full_matrices=False).Vh[0]
    if (flat @ vector).sum() < 0:
        vector = -vector
    return vector.float()[None]


def cam_batch(weigh: ChannelWeights, model: ImageClassifier, x: torch.Tensor,
              targets: torch.Tensor, *, net: nn.Module | None = None, create_graph: bool = False,
              layer: int = -1) -> tuple[torch.Tensor, torch.Tensor]:
    """The batched form of a gradient CAM whose weighting treats images independently."""
    return cam_maps(model, x, targets, layer, weigh, net, create_graph)


@register_explainer("gradcam_pp", title="Grad-CAM++", modality="image", signed=False,
                    fits=has_cam_layers, layer=-1, model_choices=CAM_LAYERS,
                    batch_fn=partial(cam_batch, gradcam_pp_weights),
                    shared=cam_part(gradcam_pp_weights),
                    summary="Channels weighted by positive gradients with per-position "
                            "coefficients from higher-order terms; better for several objects.")
def gradcam_pp(model: ImageClassifier, x: torch.Tensor, target: int,
               layer: int = -1) -> MethodOutput:
    return class_activation_map(model, x, target, layer, gradcam_pp_weights)


@register_explainer("layercam", title="Layer-CAM", modality="image", signed=False,
                    fits=has_cam_layers, layer=-1, model_choices=CAM_LAYERS,
                    batch_fn=partial(cam_batch, layercam_weights),
                    shared=cam_part(layercam_weights),
                    summary="Each activation weighted by its own positive gradient; "
                            "sharp maps at earlier layers too.")
def layercam(model: ImageClassifier, x: torch.Tensor, target: int,
             layer: int = -1) -> MethodOutput:
    return class_activation_map(model, x, target, layer, layercam_weights)


@register_explainer("eigencam", title="Eigen-CAM", modality="image", signed=False,
                    fits=has_cam_layers, layer=-1, model_choices=CAM_LAYERS,
                    summary="First principal component of the layer's activations; no "
                            "gradient, and the same map for every class.")
def eigencam(model: ImageClassifier, x: torch.Tensor, target: int,
             layer: int = -1) -> MethodOutput:
    return class_activation_map(model, x, target, layer, eigencam_weights, gradient=False)

"""Grad-CAM (Selvaraju et al. 2017, eq. 1-2): channel weights are spatially averaged gradients."""
from __future__ import annotations

import torch

from explainers.image.cam import CAM_LAYERS, class_activation_map, has_cam_layers
from explainers.registry import MethodOutput, register_explainer
from model_zoo import ImageClassifier


def mean_gradient(activations: torch.Tensor, gradients: torch.Tensor) -> torch.Tensor:
    return gradients.mean(dim=(2, 3))


@register_explainer("gradcam", title="Grad-CAM", modality="image", signed=False,
                    fits=has_cam_layers, layer=-1, model_choices=CAM_LAYERS,
                    summary="Last conv layer's channels weighted by their mean gradient.")
def gradcam(model: ImageClassifier, x: torch.Tensor, target: int, layer: int = -1) -> MethodOutput:
    return class_activation_map(model, x, target, layer, mean_gradient)

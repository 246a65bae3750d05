"""Grad-CAM (Selvaraju et al. 2017, eq. 1-2): channel weights are spatially averaged gradients."""
from __future__ import annotations

import torch
from torch import nn

from explainers.image.cam import CAM_LAYERS, cam_maps, cam_part, has_cam_layers
from explainers.registry import MethodOutput, register_explainer
from model_zoo import ImageClassifier


def mean_gradient(activations: torch.Tensor, gradients: torch.Tensor) -> torch.Tensor:
    return gradients.mean(dim=(2, 3))


def gradcam_batch(model: ImageClassifier, x: torch.Tensor, targets: torch.Tensor, *,
                  net: nn.Module | None = None, create_graph: bool = False,
                  layer: int = -1) -> tuple[torch.Tensor, torch.Tensor]:
    """Grad-CAM maps (N, h, w) and logits for a batch: one forward and one backward."""
    return cam_maps(model, x, targets, layer, mean_gradient, net, create_graph)


@register_explainer("gradcam", title="Grad-CAM", modality="image", signed=False,
                    fits=has_cam_layers, layer=-1, model_choices=CAM_LAYERS,
                    batch_fn=gradcam_batch, differentiable={}, shared=cam_part(mean_gradient),
                    summary="Last conv layer's channels weighted by their mean gradient.")
def gradcam(model: ImageClassifier, x: torch.Tensor, target: int, layer: int = -1) -> MethodOutput:
    return MethodOutput(scores=gradcam_batch(model, x, torch.tensor([target]), layer=layer)[0][0],
                        model_evals=1)

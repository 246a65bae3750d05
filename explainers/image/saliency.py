"""Vanilla gradient saliency (Simonyan et al. 2014, sec. 3.1): max |d logit / d pixel| over RGB."""
from __future__ import annotations

import torch

from explainers.gradients import target_gradient
from explainers.registry import MethodOutput, register_explainer
from model_zoo import ImageClassifier


def gradient_magnitude(grad: torch.Tensor) -> torch.Tensor:
    """(N, 3, H, W) input gradients -> (N, H, W) saliency: max over RGB of |gradient|."""
    return grad.abs().amax(dim=1)


@register_explainer("saliency", title="Saliency (gradient)", modality="image", signed=False,
                    summary="Magnitude of the target logit's gradient at each pixel.")
def saliency(model: ImageClassifier, x: torch.Tensor, target: int) -> MethodOutput:
    grad = target_gradient(model.module, x, target)
    return MethodOutput(scores=gradient_magnitude(grad)[0], model_evals=1)

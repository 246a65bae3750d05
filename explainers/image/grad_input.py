"""Gradient x input (Shrikumar et al. 2016): the first-order Taylor term of each pixel,
summed over RGB; equals Integrated Gradients from black for a linear model."""
from __future__ import annotations

import torch

from explainers.gradients import target_gradient
from explainers.registry import MethodOutput, register_explainer
from model_zoo import ImageClassifier


@register_explainer("grad_x_input", title="Gradient × input", modality="image", signed=True,
                    summary="Pixel value times the target logit's gradient, summed over RGB.")
def grad_x_input(model: ImageClassifier, x: torch.Tensor, target: int) -> MethodOutput:
    grad = target_gradient(model.module, x, target)
    return MethodOutput(scores=(grad * x).sum(dim=1)[0], model_evals=1)

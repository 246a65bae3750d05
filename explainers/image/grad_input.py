"""Gradient x input (Shrikumar et al. 2016): the first-order Taylor term of each pixel,
summed over RGB; equals Integrated Gradients from black for a linear model."""
from __future__ import annotations

import torch
from torch import nn

from explainers.folded_norms import folded_net
from explainers.gradients import input_gradient
from explainers.registry import MethodOutput, register_explainer
from explainers.shared_pass import SharedPart
from model_zoo import ImageClassifier


def grad_x_input_batch(model: ImageClassifier, x: torch.Tensor, targets: torch.Tensor, *,
                       net: nn.Module | None = None,
                       create_graph: bool = False) -> tuple[torch.Tensor, torch.Tensor]:
    """Gradient x input maps (N, H, W) and logits for a batch."""
    grad, logits = input_gradient(net or folded_net(model), x, targets, create_graph)
    return (grad * x).sum(dim=1), logits


@register_explainer("grad_x_input", title="Gradient × input", modality="image", signed=True,
                    batch_fn=grad_x_input_batch, differentiable={},
                    shared=SharedPart(lambda _m, found, _s: (found.input_gradient * found.x).sum(1),
                                      input_gradient=True),
                    summary="Pixel value times the target logit's gradient, summed over RGB.")
def grad_x_input(model: ImageClassifier, x: torch.Tensor, target: int) -> MethodOutput:
    return MethodOutput(scores=grad_x_input_batch(model, x, torch.tensor([target]))[0][0],
                        model_evals=1)

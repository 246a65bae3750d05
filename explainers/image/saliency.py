"""Vanilla gradient saliency (Simonyan et al. 2014, sec. 3.1): max |d logit / d pixel| over RGB."""
from __future__ import annotations

import torch
from torch import nn

from explainers.folded_norms import folded_net
from explainers.gradients import input_gradient
from explainers.registry import MethodOutput, register_explainer
from explainers.shared_pass import SharedPart
from model_zoo import ImageClassifier


def gradient_magnitude(grad: torch.Tensor) -> torch.Tensor:
    """(N, 3, H, W) input gradients -> (N, H, W) saliency: max over RGB of |gradient|."""
    return grad.abs().amax(dim=1)


def saliency_batch(model: ImageClassifier, x: torch.Tensor, targets: torch.Tensor, *,
                   net: nn.Module | None = None,
                   create_graph: bool = False) -> tuple[torch.Tensor, torch.Tensor]:
    """Saliency maps (N, H, W) and logits for a batch: one forward and one backward."""
    grad, logits = input_gradient(net or folded_net(model), x, targets, create_graph)
    return gradient_magnitude(grad), logits


@register_explainer("saliency", title="Saliency (gradient)", modality="image", signed=False,
                    batch_fn=saliency_batch, differentiable={},
                    shared=SharedPart(lambda _m, found, _s:
                                      gradient_magnitude(found.input_gradient),
                                      input_gradient=True),
                    summary="Magnitude of the target logit's gradient at each pixel.")
def saliency(model: ImageClassifier, x: torch.Tensor, target: int) -> MethodOutput:
    return MethodOutput(scores=saliency_batch(model, x, torch.tensor([target]))[0][0],
                        model_evals=1)

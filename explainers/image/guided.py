"""Guided backpropagation (Springenberg et al. 2015, eq. in fig. 1) and Guided Grad-CAM
(Selvaraju et al. 2017, sec. 3.1).

Guided backprop lets a gradient through a rectifier only where the forward input was in
its linear range and the gradient coming back is positive. It runs on a private copy whose
ReLU and ReLU6 modules (MobileNetV2, EfficientNet-Lite use ReLU6) are swapped for guided
ones; ReLU6 also blocks where its input was above 6, as its own gradient does.
"""
from __future__ import annotations

import torch
from torch import nn

from explainers.gradients import target_gradient
from explainers.image.cam import class_activation_map, has_cam_layers
from explainers.image.gradcam import mean_gradient
from explainers.private_copy import private_copy
from explainers.registry import MethodOutput, register_explainer
from explainers.run import to_image_grid
from model_zoo import Classifier, ImageClassifier


class _GuidedClamp(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x: torch.Tensor, upper: float | None) -> torch.Tensor:
        ctx.save_for_backward(x)
        ctx.upper = upper
        return x.clamp(min=0.0, max=upper)

    @staticmethod
    def backward(ctx, grad: torch.Tensor) -> tuple[torch.Tensor, None]:
        (x,) = ctx.saved_tensors
        passes = (x > 0) & (grad > 0)
        if ctx.upper is not None:
            passes &= x < ctx.upper
        return grad * passes, None


class GuidedRectifier(nn.Module):
    """ReLU (``upper=None``) or ReLU6 (``upper=6``) with the guided backward pass."""

    def __init__(self, upper: float | None) -> None:
        super().__init__()
        self.upper = upper

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return _GuidedClamp.apply(x, self.upper)


def has_rectifiers(model: Classifier) -> bool:
    return isinstance(model, ImageClassifier) and any(
        isinstance(m, (nn.ReLU, nn.ReLU6)) for m in model.module.modules())


def guided_copy(module: nn.Module) -> nn.Module:
    """A private copy with every ReLU / ReLU6 module replaced by its guided twin."""
    copy = private_copy(module)
    swaps = [(parent, name, child) for parent in copy.modules()
             for name, child in parent.named_children() if isinstance(child, (nn.ReLU, nn.ReLU6))]
    for parent, name, child in swaps:
        setattr(parent, name, GuidedRectifier(6.0 if isinstance(child, nn.ReLU6) else None))
    return copy


def guided_gradient(model: ImageClassifier, x: torch.Tensor, target: int) -> torch.Tensor:
    """The guided 'gradient' (1, 3, H, W) of the target logit."""
    return target_gradient(guided_copy(model.module), x, target)


@register_explainer("guided_backprop", title="Guided backpropagation", modality="image",
                    signed=False, fits=has_rectifiers,
                    summary="Gradient passed back only through active rectifiers and only "
                            "where positive (ReLU and ReLU6 modules); fine edges, little "
                            "class sensitivity.")
def guided_backprop(model: ImageClassifier, x: torch.Tensor, target: int) -> MethodOutput:
    return MethodOutput(scores=guided_gradient(model, x, target).abs().amax(dim=1)[0],
                        model_evals=1)


def fits_guided_gradcam(model: Classifier) -> bool:
    return has_cam_layers(model) and has_rectifiers(model)


@register_explainer("guided_gradcam", title="Guided Grad-CAM", modality="image",
                    signed=False, fits=fits_guided_gradcam, layer=-1,
                    summary="Guided backpropagation times the upsampled Grad-CAM map: "
                            "fine detail, restricted to the class's region.")
def guided_gradcam(model: ImageClassifier, x: torch.Tensor, target: int,
                   layer: int = -1) -> MethodOutput:
    cam = class_activation_map(model, x, target, layer, mean_gradient).scores
    guided = guided_gradient(model, x, target).abs().amax(dim=1)[0]
    return MethodOutput(scores=guided * to_image_grid(cam, tuple(x.shape[-2:])), model_evals=2)

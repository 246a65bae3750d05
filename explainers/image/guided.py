"""Guided backpropagation (Springenberg et al. 2015, eq. in fig. 1) and Guided Grad-CAM
(Selvaraju et al. 2017, sec. 3.1).

Guided backprop lets a gradient through a rectifier only where the forward input was in
its linear range and the gradient coming back is positive. It runs on a private copy whose
ReLU and ReLU6 modules (MobileNetV2, EfficientNet-Lite use ReLU6) are swapped for guided
ones; ReLU6 also blocks where its input was above 6, as its own gradient does.
"""
from __future__ import annotations

import weakref

import torch
import torch.nn.functional as F
from torch import nn

from explainers.gradients import target_gradient
from explainers.image.cam import CAM_LAYERS, cam_part, class_activation_map, has_cam_layers
from explainers.image.gradcam import mean_gradient
from explainers.private_copy import private_copy
from explainers.registry import MethodOutput, register_explainer
from explainers.run import to_image_grid
from explainers.shared_pass import GradientPass, SharedPart
from model_zoo import Classifier, ImageClassifier


class _GuidedClamp(torch.autograd.Function):
    """Forward: clamp to [0, upper]; backward: ReLU(grad) where the input was in (0, upper)."""

    @staticmethod
    def forward(ctx, x: torch.Tensor, upper: float | None) -> torch.Tensor:
        out = torch.relu(x) if upper is None else F.hardtanh(x, 0.0, upper)
        ctx.save_for_backward(out)  # out in (0, upper) exactly where x is
        ctx.upper = upper
        return out

    @staticmethod
    def backward(ctx, grad: torch.Tensor) -> tuple[torch.Tensor, None]:
        (out,) = ctx.saved_tensors
        positive = grad.clamp(min=0)  # the guided part: only positive signals go back
        if ctx.upper is None:
            return torch.ops.aten.threshold_backward(positive, out, 0.0), None
        return torch.ops.aten.hardtanh_backward(positive, out, 0.0, ctx.upper), None


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


_GUIDED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def guided_copy(module: nn.Module) -> nn.Module:
    """A private copy with every ReLU / ReLU6 module replaced by its guided twin; made once
    per model and shared by threads (it holds no hooks and no state)."""
    if module not in _GUIDED:
        _GUIDED[module] = _make_guided_copy(module)
    return _GUIDED[module]


def _make_guided_copy(module: nn.Module,
                      rectifier: type[nn.Module] = GuidedRectifier) -> nn.Module:
    """A private copy whose ReLU / ReLU6 modules are ``rectifier(upper)`` (None or 6)."""
    copy = private_copy(module)
    swaps = [(parent, name, child) for parent in copy.modules()
             for name, child in parent.named_children() if isinstance(child, (nn.ReLU, nn.ReLU6))]
    for parent, name, child in swaps:
        setattr(parent, name, rectifier(6.0 if isinstance(child, nn.ReLU6) else None))
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


def guided_times_cam(model: ImageClassifier, x: torch.Tensor, targets, cams: torch.Tensor
                     ) -> torch.Tensor:
    """(N, H, W): each image's guided-backprop magnitude times its upsampled CAM map."""
    guided = target_gradient(guided_copy(model.module), x, targets).abs().amax(dim=1)
    size = tuple(x.shape[-2:])
    return torch.stack([g * to_image_grid(c, size) for g, c in zip(guided, cams)])


def guided_gradcam_shared(model: ImageClassifier, found: GradientPass,
                          settings: dict) -> torch.Tensor:
    """Guided Grad-CAM with its Grad-CAM read from a shared pass (the guided pass is its own)."""
    cams = cam_part(mean_gradient).read(model, found, settings)
    return guided_times_cam(model, found.x, found.targets, cams)


@register_explainer("guided_gradcam", title="Guided Grad-CAM", modality="image",
                    signed=False, fits=fits_guided_gradcam, layer=-1, model_choices=CAM_LAYERS,
                    shared=SharedPart(guided_gradcam_shared, layer=True, extra_evals=1),
                    summary="Guided backpropagation times the upsampled Grad-CAM map: "
                            "fine detail, restricted to the class's region.")
def guided_gradcam(model: ImageClassifier, x: torch.Tensor, target: int,
                   layer: int = -1) -> MethodOutput:
    cam = class_activation_map(model, x, target, layer, mean_gradient).scores
    return MethodOutput(scores=guided_times_cam(model, x, target, cam[None])[0], model_evals=2)

"""DeconvNet (Zeiler & Fergus 2014, sec. 2.1) as a backward pass, beside guided backprop.

The deconvnet maps a unit back to pixels through the same filters transposed, the max-pool
switches of the forward pass, and a rectifier applied to the *signal coming back*: at a
ReLU it passes ReLU(grad) whatever the forward input was (guided backprop also asks that
the input was positive; the plain gradient asks only that). Implemented as a private copy
whose ReLU / ReLU6 modules keep their forward but have that backward; autograd supplies
the transposed convolutions and the pooling switches.
"""
from __future__ import annotations

import weakref

import torch
import torch.nn.functional as F
from torch import nn

from explainers.gradients import target_gradient
from explainers.image.guided import _make_guided_copy, has_rectifiers
from explainers.registry import MethodOutput, register_explainer
from model_zoo import ImageClassifier


class _DeconvClamp(torch.autograd.Function):
    """Forward: clamp to [0, upper]; backward: ReLU(grad), blind to the forward input."""

    @staticmethod
    def forward(ctx, x: torch.Tensor, upper: float | None) -> torch.Tensor:
        return torch.relu(x) if upper is None else F.hardtanh(x, 0.0, upper)

    @staticmethod
    def backward(ctx, grad: torch.Tensor) -> tuple[torch.Tensor, None]:
        return grad.clamp(min=0), None


class DeconvRectifier(nn.Module):
    """ReLU (``upper=None``) or ReLU6 (``upper=6``) with the deconvnet's backward pass."""

    def __init__(self, upper: float | None) -> None:
        super().__init__()
        self.upper = upper

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return _DeconvClamp.apply(x, self.upper)


_DECONV: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def deconv_copy(module: nn.Module) -> nn.Module:
    """A private copy with deconvnet rectifiers; made once per model, holds no hooks."""
    if module not in _DECONV:
        _DECONV[module] = _make_guided_copy(module, DeconvRectifier)
    return _DECONV[module]


def deconv_signal(model: ImageClassifier, x: torch.Tensor, target: int) -> torch.Tensor:
    """The deconvnet reconstruction (1, 3, H, W) of the target logit."""
    return target_gradient(deconv_copy(model.module), x, target)


@register_explainer("deconvnet", title="DeconvNet", modality="image", signed=False,
                    fits=has_rectifiers,
                    summary="Zeiler & Fergus's deconvnet: the class score sent back through "
                            "transposed filters and pooling switches, rectifying the signal "
                            "on its way back (ReLU and ReLU6 networks); shows patterns the "
                            "units respond to, weakly tied to this image.")
def deconvnet(model: ImageClassifier, x: torch.Tensor, target: int) -> MethodOutput:
    return MethodOutput(scores=deconv_signal(model, x, target).abs().amax(dim=1)[0],
                        model_evals=1)

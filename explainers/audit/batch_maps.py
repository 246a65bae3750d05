"""Attribution maps for a batch of images: batched where the method allows, else one by one.

Grad-CAM and gradient saliency run as one forward and one backward for the whole batch
(the target logits are summed: samples do not interact in an eval-mode model), which is
what lets an audit of 1,000 images approach the floor of batched forward+backward. Other
methods go through ``explain`` per image, so every registered image method can be audited.
"""
from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from explainers.copy_pool import borrowed_copy
from explainers.folded_norms import folded_module
from explainers.image.cam import captured_leaf, pick_layer
from explainers.image.saliency import gradient_magnitude
from explainers.run import explain
from model_zoo import ImageClassifier

BATCHED = ("gradcam", "saliency")


def _targets(logits: torch.Tensor, targets: torch.Tensor | None) -> torch.Tensor:
    return logits.argmax(dim=1) if targets is None else targets


def batched_gradcam(model: ImageClassifier, x: torch.Tensor, targets: torch.Tensor | None = None,
                    layer: int = -1) -> tuple[torch.Tensor, torch.Tensor]:
    """Grad-CAM maps (N, H, W) at the input's size and the logits (N, C), one pass each way.

    Selvaraju et al. 2017, eq. 1-2: weights = spatially averaged gradients; ReLU of the sum.
    Targets default to each image's predicted class.
    """
    with borrowed_copy(folded_module(model.module, model.target_layers)) as copy:
        chosen = pick_layer(model.target_layers(copy), layer)
        with captured_leaf(chosen) as outputs, torch.enable_grad():  # as layer_activations
            logits = copy(x.detach().float())
            picked = _targets(logits.detach(), targets)
            score = logits.gather(1, picked[:, None]).sum()
            (grads,) = torch.autograd.grad(score, outputs[-1])
    acts = outputs[-1].detach()
    cams = torch.relu((grads.mean(dim=(2, 3), keepdim=True) * acts).sum(1, keepdim=True))
    maps = F.interpolate(cams, size=x.shape[-2:], mode="bilinear", align_corners=False)[:, 0]
    return maps, logits.detach()


def batched_saliency(model: ImageClassifier, x: torch.Tensor, targets: torch.Tensor | None = None
                     ) -> tuple[torch.Tensor, torch.Tensor]:
    """Max over RGB of |d logit[target] / d pixel| (Simonyan et al. 2014), and the logits."""
    with torch.enable_grad():
        leaf = x.detach().float().clone().requires_grad_(True)
        logits = model.module(leaf)
        picked = _targets(logits.detach(), targets)
        (grad,) = torch.autograd.grad(logits.gather(1, picked[:, None]).sum(), leaf)
    return gradient_magnitude(grad), logits.detach()


def batch_maps(model: ImageClassifier, method: str, x: torch.Tensor, targets: torch.Tensor,
               params: dict[str, Any] | None = None) -> torch.Tensor:
    """(N, H, W) maps of ``method`` for images ``x`` (at the model's input size) and targets."""
    params = dict(params or {})
    if method == "gradcam":
        return batched_gradcam(model, x, targets, **params)[0]
    if method == "saliency" and not params:
        return batched_saliency(model, x, targets)[0]
    maps = [explain(model, method, image, target=int(t), **params).scores
            for image, t in zip(x, targets)]
    return torch.stack([torch.from_numpy(m.copy()) for m in maps])

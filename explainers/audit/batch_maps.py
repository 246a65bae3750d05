"""Attribution maps for a batch of images: batched where the method has a batched form, else
one by one.

A method registered with a ``batch_fn`` (Grad-CAM, saliency, gradient x input, Integrated
Gradients, ...) runs the whole batch in one forward and one backward (the target logits are
summed: samples do not interact in an eval-mode model), which is what lets an audit of 1,000
images approach the floor of batched forward+backward; it is the same function the registered
method runs on a batch of one, so the maps are the single-image maps. Other methods go through
``explain`` per image, so every registered image method can be audited.
"""
from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from explainers.registry import batched_methods, explainer_entry
from explainers.run import explain
from model_zoo import ImageClassifier


def on_input_grid(maps: torch.Tensor, size: tuple[int, int]) -> torch.Tensor:
    """(N, h, w) maps resized to the input's (H, W), as ``explain`` resizes one map."""
    if tuple(maps.shape[-2:]) == tuple(size):
        return maps
    return F.interpolate(maps[:, None].float(), size=size, mode="bilinear",
                         align_corners=False)[:, 0]


def batched_maps(model: ImageClassifier, method: str, x: torch.Tensor,
                 targets: torch.Tensor | None = None, **params: Any
                 ) -> tuple[torch.Tensor, torch.Tensor]:
    """(N, H, W) maps at the input's size and (N, C) logits of a method with a ``batch_fn``.

    Targets default to each image's predicted class (from the same forward pass).
    """
    entry = explainer_entry(method)
    unknown = set(params) - set(entry.defaults)
    if unknown:
        raise ValueError(f"method {method!r} takes no parameter {', '.join(sorted(unknown))}")
    maps, logits = entry.batch_fn(model, x, targets, **{**entry.defaults, **params})
    return on_input_grid(maps.detach(), tuple(x.shape[-2:])), logits.detach()


def batched_gradcam(model: ImageClassifier, x: torch.Tensor, targets: torch.Tensor | None = None,
                    layer: int = -1) -> tuple[torch.Tensor, torch.Tensor]:
    """Grad-CAM maps (N, H, W) at the input's size and the logits (N, C), one pass each way."""
    return batched_maps(model, "gradcam", x, targets, layer=layer)


def batch_maps(model: ImageClassifier, method: str, x: torch.Tensor, targets: torch.Tensor,
               params: dict[str, Any] | None = None) -> torch.Tensor:
    """(N, H, W) maps of ``method`` for images ``x`` (at the model's input size) and targets."""
    params = dict(params or {})
    if method in batched_methods(model.modality):
        return batched_maps(model, method, x, targets, **params)[0]
    maps = [explain(model, method, image, target=int(t), **params).scores
            for image, t in zip(x, targets)]
    return torch.stack([torch.from_numpy(m.copy()) for m in maps])

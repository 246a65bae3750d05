"""A layer's activations (and the class logit's gradient there) for sets of images.

TCAV works on the full, flattened activation of a layer (Kim et al. 2018, sec. 3.1), read
from a private copy of the model so the shared one never carries a hook; gradients come
from the shared batched helper (``explainers.gradients.layer_gradient``). Each set is read
once and reused by every TCAV run.
"""
from __future__ import annotations

import numpy as np
import torch

from explainers.gradients import layer_gradient
from explainers.hooks import captured, forward_until
from explainers.private_copy import private_copy
from explainers.progress import report
from model_zoo import ImageClassifier

BATCH = 16


def _batches(model: ImageClassifier, images: np.ndarray, batch: int):
    for start in range(0, len(images), batch):
        chunk = torch.from_numpy(np.ascontiguousarray(images[start:start + batch]))
        yield start, model.preprocess(chunk.permute(0, 3, 1, 2).float().div(255))


def layer_activations(model: ImageClassifier, images: np.ndarray, layer: str,
                      batch: int = BATCH, what: str = "activations") -> np.ndarray:
    """(N, D) flattened ``layer`` outputs of (N, S, S, 3) uint8 images; the forward stops there."""
    copy = private_copy(model.module)
    rows = []
    with torch.inference_mode(), captured(copy.get_submodule(layer), stop=True) as outputs:
        for start, x in _batches(model, images, batch):
            forward_until(copy, x)
            rows.append(outputs.pop().float().reshape(len(x), -1))
            report(min(start + batch, len(images)) / len(images), f"{what} {len(images)} images")
    return torch.cat(rows).numpy()


def layer_gradients(model: ImageClassifier, images: np.ndarray, layer: str, target: int,
                    batch: int = BATCH) -> tuple[np.ndarray, np.ndarray]:
    """(activations, d logit[target] / d activations), both (N, D), for the class's images.

    The same batched layer gradient as the CAM family (``explainers.gradients``).
    """
    copy = private_copy(model.module)
    chosen, acts, grads = copy.get_submodule(layer), [], []
    for start, x in _batches(model, images, batch):
        activations, gradients, _ = layer_gradient(copy, chosen, x, target)
        acts.append(activations.float().reshape(len(x), -1))
        grads.append(gradients.float().reshape(len(x), -1))
        report(min(start + batch, len(images)) / len(images), f"class gradients {len(images)} images")
    return torch.cat(acts).numpy(), torch.cat(grads).numpy()

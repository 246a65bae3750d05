"""A layer's activations (and the class logit's gradient there) for sets of images.

TCAV works on the full, flattened activation of a layer (Kim et al. 2018, sec. 3.1), read
from a private copy of the model so the shared one never carries a hook; gradients come
from ``torch.autograd.grad``. Each set is read once and reused by every TCAV run.
"""
from __future__ import annotations

import numpy as np
import torch

from explainers.global_views.layers import StopForward, reading
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
    with torch.inference_mode(), reading(copy, layer, stop=True) as outputs:
        for start, x in _batches(model, images, batch):
            try:
                copy(x)
            except StopForward:
                pass
            rows.append(outputs.pop().float().reshape(len(x), -1))
            report(min(start + batch, len(images)) / len(images), f"{what} {len(images)} images")
    return torch.cat(rows).numpy()


def layer_gradients(model: ImageClassifier, images: np.ndarray, layer: str, target: int,
                    batch: int = BATCH) -> tuple[np.ndarray, np.ndarray]:
    """(activations, d logit[target] / d activations), both (N, D), for the class's images.

    Eval-mode layers treat images independently, so one gradient of the summed logit gives
    every image's own gradient.
    """
    copy = private_copy(model.module)
    acts, grads = [], []
    with reading(copy, layer) as outputs, torch.enable_grad():
        for start, x in _batches(model, images, batch):
            logits = copy(x.requires_grad_(True))
            (grad,) = torch.autograd.grad(logits[:, target].sum(), outputs[-1])
            acts.append(outputs.pop().detach().float().reshape(len(x), -1))
            grads.append(grad.float().reshape(len(x), -1))
            report(min(start + batch, len(images)) / len(images), f"class gradients {len(images)} images")
    return torch.cat(acts).numpy(), torch.cat(grads).numpy()

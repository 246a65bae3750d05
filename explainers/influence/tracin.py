"""TracIn (Pruthi et al. 2020, eq. 3) at the final checkpoint, restricted to the last linear
layer: influence(z, z') = <dL(z)/dW, dL(z')/dW> for W the last layer's weight and bias.

For cross-entropy, dL/dW = e (x) [h, 1] with e = softmax - onehot(label) and h the layer's
input, so the dot product factorises: (e . e') ([h, 1] . [h', 1]). A training set is stored
as its (N, C) errors and (N, d + 1) features, not N full gradients. Positive: a proponent
(a gradient step on it lowers the test loss); negative: an opponent.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator

import numpy as np
import torch
from torch import nn


@dataclass(frozen=True)
class LastLayerGrads:
    """Per-example factors of the last layer's loss gradient."""

    errors: np.ndarray    # (N, C) softmax - onehot(label)
    features: np.ndarray  # (N, d + 1) the layer's input with a 1 for the bias

    def scores(self, test: "LastLayerGrads", cosine: bool = True) -> np.ndarray:
        """(N,) TracIn scores of every stored example against one test example.

        ``cosine``: each gradient scaled to unit length (Barshan et al. 2020, RelatIF's
        motivation), so a few badly fitted images with huge gradients do not top every list.
        """
        scores = (self.errors @ test.errors[0]) * (self.features @ test.features[0])
        if cosine:
            scores = scores / (self.norms() * test.norms()[0] + 1e-12)
        return scores

    def norms(self) -> np.ndarray:
        """(N,) gradient norms: |e (x) h| = |e| |h|."""
        return np.linalg.norm(self.errors, axis=1) * np.linalg.norm(self.features, axis=1)


def last_linear(module: nn.Module) -> nn.Linear:
    layers = [m for m in module.modules() if isinstance(m, nn.Linear)]
    if not layers:
        raise ValueError("training-data attribution needs a model whose last layer is linear")
    return layers[-1]


@contextmanager
def captured_inputs(layer: nn.Module) -> Iterator[list[torch.Tensor]]:
    """Record the inputs ``layer`` sees inside the block; the hook is always removed."""
    seen: list[torch.Tensor] = []
    handle = layer.register_forward_hook(lambda _m, args, _out: seen.append(args[0].detach()))
    try:
        yield seen
    finally:
        handle.remove()


def last_layer_grads(module: nn.Module, images: torch.Tensor, labels: torch.Tensor,
                     batch: int = 256) -> LastLayerGrads:
    """Gradient factors of ``images`` (N, 3, H, W) with ``labels`` (N,), in chunks."""
    errors, features = [], []
    with torch.inference_mode(), captured_inputs(last_linear(module)) as seen:
        for start in range(0, len(labels), batch):
            seen.clear()
            logits = module(images[start:start + batch]).float()
            onehot = nn.functional.one_hot(labels[start:start + batch], logits.shape[1])
            errors.append(logits.softmax(dim=1) - onehot)
            h = seen[-1].flatten(1).float()
            features.append(torch.cat([h, torch.ones(len(h), 1)], dim=1))
    return LastLayerGrads(torch.cat(errors).numpy(), torch.cat(features).numpy())


@dataclass(frozen=True)
class Ranked:
    """Indices into the training set and their scores, strongest first."""

    proponents: list[tuple[int, float]]
    opponents: list[tuple[int, float]]


def rank(scores: np.ndarray, k: int) -> Ranked:
    order = np.argsort(-scores, kind="stable")
    top = [(int(i), float(scores[i])) for i in order[:k] if scores[i] > 0]
    bottom = [(int(i), float(scores[i])) for i in order[::-1][:k] if scores[i] < 0]
    return Ranked(top, bottom)

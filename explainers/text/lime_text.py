"""LIME for text (Ribeiro et al. 2016, eq. 1-2), the sampling of ``lime``'s LimeTextExplainer.

Each sample removes a uniformly drawn number (1..n-1) of random tokens; samples are
weighted by an exponential kernel (width 25) on the cosine distance x 100 to the full
sentence, as in ``lime``; a weighted ridge regression (alpha 1, with intercept) of the
target probability on the kept-token indicators gives one coefficient per token.
Features are token positions (lime's ``bow=False``); removal is by attention mask.
"""
from __future__ import annotations

import torch

from explainers.registry import MethodOutput, register_explainer
from explainers.text.removal import TEXT_BATCH, logits_with, per_token, require_words
from model_zoo import Encoded, TextClassifier

KERNEL_WIDTH = 25.0


def lime_samples(n: int, count: int, seed: int) -> torch.Tensor:
    """(count, n) kept-token indicators; row 0 keeps everything."""
    generator = torch.Generator().manual_seed(seed)
    keep = torch.ones(count, n, dtype=torch.bool)
    sizes = torch.randint(1, max(n, 2), (count - 1,), generator=generator)
    for row, size in enumerate(sizes.tolist(), start=1):
        keep[row, torch.randperm(n, generator=generator)[:size]] = False
    return keep


def kernel_weights(keep: torch.Tensor) -> torch.Tensor:
    """sqrt(exp(-d^2 / width^2)) with d = 100 x cosine distance to the first row."""
    x = keep.double()
    cosine = (x @ x[0]) / (x.norm(dim=1) * x[0].norm()).clamp(min=1e-12)
    distance = (1 - cosine) * 100
    return torch.sqrt(torch.exp(-distance ** 2 / KERNEL_WIDTH ** 2))


def weighted_ridge(x: torch.Tensor, y: torch.Tensor, w: torch.Tensor,
                   alpha: float = 1.0) -> torch.Tensor:
    """argmin_b sum_i w_i (y_i - c - x_i b)^2 + alpha |b|^2, as sklearn's weighted Ridge:
    centre by the weighted means (the intercept is not penalised), then solve."""
    mean = w / w.sum()
    xc, yc = x - mean @ x, y - mean @ y
    gram = xc.T @ (w[:, None] * xc) + alpha * torch.eye(x.shape[1], dtype=x.dtype)
    return torch.linalg.solve(gram, xc.T @ (w * yc))


@register_explainer("lime_text", title="LIME (tokens)", modality="text", signed=True,
                    samples=500, seed=0, batch=TEXT_BATCH, quick={"samples": 64},
                    summary="Weighted linear fit of the target probability on which tokens "
                            "are kept (Ribeiro et al. 2016).")
def lime_text(model: TextClassifier, enc: Encoded, target: int, samples: int = 500,
              seed: int = 0, batch: int = TEXT_BATCH) -> MethodOutput:
    n = require_words(enc)
    keep = lime_samples(n, max(samples, 2), seed)
    probs = torch.softmax(logits_with(model, enc, keep, batch, "LIME").double(), dim=-1)[:, target]
    coef = weighted_ridge(keep.double(), probs, kernel_weights(keep))
    return MethodOutput(scores=per_token(enc, coef), model_evals=keep.shape[0])

"""One entry point for every method: checks, target choice, timing, resizing, result."""
from __future__ import annotations

import time
from typing import Any

import torch
import torch.nn.functional as F

from explainers.method_names import entry_for
from explainers.result import Explanation
from model_zoo import Classifier, ImageClassifier


def to_image_grid(scores: torch.Tensor, size: tuple[int, int]) -> torch.Tensor:
    """Resize an (h, w) map to the image's (H, W), cell centres on pixel centres."""
    if tuple(scores.shape) == tuple(size):
        return scores
    grid = scores.detach().float()[None, None]
    return F.interpolate(grid, size=size, mode="bilinear", align_corners=False)[0, 0]


def predicted_class(model: Classifier, data: torch.Tensor | str) -> int:
    return int(model.logits(data).argmax(dim=-1)[0])


def explain(model: Classifier, method: str, data: torch.Tensor | str, target: int | None = None,
            **params: Any) -> Explanation:
    """Explain ``model``'s score for ``target`` (default: its top class) on one input.

    ``data`` is a (3, H, W) image in [0, 1] or a string. Image maps come back (H, W).
    ``method`` is an idea's name (``integrated_gradients``) or a registered one.
    """
    entry = entry_for(method, model)  # one name per idea: the model's modality picks
    unknown = set(params) - set(entry.defaults)
    if unknown:
        raise ValueError(f"method {entry.name!r} takes no parameter {', '.join(sorted(unknown))}")
    settings = {**entry.defaults, **params}
    started = time.perf_counter()
    evals = 0
    if target is None:
        target, evals = predicted_class(model, data), 1
    if not 0 <= target < len(model.labels):
        raise ValueError(f"target {target} is outside 0..{len(model.labels) - 1}")
    if isinstance(model, ImageClassifier):
        out = entry.fn(model, model.preprocess(data), target, **settings)
        scores, tokens = to_image_grid(out.scores, tuple(data.shape[-2:])), None
    else:
        enc = model.encode(data)
        out = entry.fn(model, enc, target, **settings)
        scores, tokens = out.scores, enc.tokens
    return Explanation(
        scores=scores.detach().float().numpy(), method=method, target=target, signed=entry.signed,
        seconds=time.perf_counter() - started, model_evals=out.model_evals + evals,
        tokens=tokens, delta=out.delta, params=settings, extras=out.extras)

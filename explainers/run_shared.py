"""``explain`` for several gradient methods at once: one forward+backward shared by all.

Each result is what ``explain`` returns for that method alone (the same map, the same
parameters and display facts); ``seconds`` is the shared pass's (the group's cost, once),
``model_evals`` the passes it read (one, plus a method's own: guided backprop), and
``extras["shared_with"]`` names the methods that read the same pass.
"""
from __future__ import annotations

import time
from typing import Any

import torch

from explainers.method_names import entry_for
from explainers.result import Explanation
from explainers.run import predicted_class, to_image_grid
from explainers.shared_pass import shared_maps
from model_zoo import Classifier, ImageClassifier


def shareable(model: Classifier, methods: list[str]) -> list[str]:
    """The names among ``methods`` that can read a shared pass on ``model``."""
    if not isinstance(model, ImageClassifier):
        return []
    return [m for m in methods if entry_for(m, model).shared is not None]


def explain_shared(model: ImageClassifier, requests: dict[str, dict[str, Any]],
                   data: torch.Tensor, target: int | None = None) -> dict[str, Explanation]:
    """Explanations of the image ``data`` (3, H, W) for ``target`` (default: the top class),
    one per requested method (name -> parameters), all from one pass."""
    started, evals = time.perf_counter(), 0
    parts, settings = {}, {}
    for name, params in requests.items():
        entry = entry_for(name, model)
        unknown = set(params) - set(entry.defaults)
        if entry.shared is None or unknown:
            raise ValueError(f"method {name!r} cannot share a pass with these parameters")
        parts[name], settings[name] = entry, {**entry.defaults, **params}
    if target is None:
        target, evals = predicted_class(model, data), 1
    if not 0 <= target < len(model.labels):
        raise ValueError(f"target {target} is outside 0..{len(model.labels) - 1}")
    maps = shared_maps(model, model.preprocess(data), target,
                       {n: (e.shared, settings[n]) for n, e in parts.items()})
    seconds, together = time.perf_counter() - started, tuple(requests)
    size = tuple(data.shape[-2:])
    return {name: Explanation(
        scores=to_image_grid(maps[name][0], size).detach().float().numpy(), method=name,
        target=target, signed=entry.signed, seconds=seconds,
        model_evals=1 + entry.shared.extra_evals + evals, tokens=None, delta=None,
        params=settings[name], extras={"shared_with": together})
        for name, entry in parts.items()}

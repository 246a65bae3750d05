"""Several methods on one input and one target, the way every front end asks for them: the
gradient methods that read the same forward+backward (Grad-CAM, Grad-CAM++, Layer-CAM,
saliency, gradient x input, guided Grad-CAM's CAM part) from one shared pass when two or
more are asked for, the others one by one (explainers/shared_pass.py). The image page,
``cli.py explain --method a,b`` and ``cli.py batch`` call this."""
from __future__ import annotations

from typing import Any

import torch

from explainers import Explanation, explain
from explainers.run_shared import explain_shared, shareable
from model_zoo import Classifier


def explain_many(model: Classifier, methods: dict[str, dict[str, Any]] | list[str],
                 data: torch.Tensor | str, target: int | None = None
                 ) -> dict[str, Explanation]:
    """name -> Explanation for every method asked for (a list, or name -> parameters)."""
    requests = {m: {} for m in methods} if isinstance(methods, list) else dict(methods)
    group = shareable(model, list(requests))
    if target is None and requests:
        from explainers.run import predicted_class

        target = predicted_class(model, data)
    results: dict[str, Explanation] = {}
    if len(group) >= 2:
        results = explain_shared(model, {m: requests[m] for m in group}, data, target)
    for name, params in requests.items():
        if name not in results:
            results[name] = explain(model, name, data, target=target, **params)
    return {name: results[name] for name in requests}


def explain_group(model: Classifier, data: Any, target: int,
                  requests: tuple[tuple[str, tuple[tuple[str, Any], ...]], ...]
                  ) -> dict[str, Explanation]:
    """``explain_many`` with hashable arguments, for ``dashboard_cache.cached_work``: ``data``
    a ``ModelInput`` (keyed by its digest), ``requests`` (name, sorted parameter items)."""
    tensor = getattr(data, "tensor", data)
    return explain_many(model, {name: dict(items) for name, items in requests}, tensor, target)

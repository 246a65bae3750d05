"""One per-batch callable on the chosen engine: in this process (the default) or on Ray.

Both engines build the same work class; locally it may get the model object itself (a user's
checkpoint has no name a worker could load), Ray's actors get the model's name.
"""
from __future__ import annotations

from typing import Any, Iterator

import numpy as np

Batch = dict[str, np.ndarray]


def on_engine(engine, work_cls: type, kwargs: dict[str, Any], columns: Batch, size: int,
              model: Any) -> Iterator[Batch]:
    """Result batches of ``work_cls(model=..., **kwargs)`` over ``columns`` as they arrive;
    ``engine`` is a ``jobs.batch_job.EngineChoice`` or None (local, default threads)."""
    from jobs.batch_job import check_engine, ray_pool
    from jobs.engines import run_local, run_ray

    if engine is None or engine.name == "local":
        if engine is not None:
            check_engine(engine)
        threads = engine.threads if engine is not None else None
        return run_local(work_cls, kwargs | {"model": model, "threads": threads}, columns, size)
    check_engine(engine)
    name = model if isinstance(model, str) else model.name
    return run_ray(work_cls, kwargs | {"model": name}, columns, size, ray_pool(engine))


def in_order(parts: list[Batch]) -> Batch:
    """The batches' columns concatenated in data-set order (by their ``index`` column)."""
    order = np.argsort(np.concatenate([p["index"] for p in parts]), kind="stable")
    return {k: np.concatenate([np.asarray(p[k]) for p in parts])[order] for k in parts[0]}

"""The shortcut audit's extraction step (``explainers.audit.AuditBatch``) on either engine.

The per-batch callable is the audit's own; this module only sets each worker's torch threads,
builds the batch columns, puts the engine's result batches back in data set order and hands
them to the audit's data-set-wide steps (``summarise_columns``), as the local run does.
"""
from __future__ import annotations

import time
from typing import Any

import numpy as np
import torch

from explainers.audit import AuditBatch, AuditReport, summarise_columns
from explainers.audit.run import batch_size
from explainers.audit.swap import swapped_images
from inputs.audit_data import AuditSet
from model_zoo import Classifier


class AuditWork:
    """``AuditBatch`` built once per worker by model name, with its torch threads set."""

    def __init__(self, model: str, methods: list[str], params: dict | None = None,
                 threads: int | None = None) -> None:
        if threads:
            torch.set_num_threads(threads)
        import explainers  # noqa: F401  (registers the methods in a fresh worker process)

        self.work = AuditBatch(model, tuple(methods), params)

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        return self.work(batch)


def audit_columns(data: AuditSet, swaps: np.ndarray | None) -> dict[str, np.ndarray]:
    cols = {"index": np.arange(len(data)), "label": data.labels, "image": data.images}
    if data.masks is not None:
        cols["mask"] = data.masks
    if swaps is not None:
        cols["swap_image"] = swaps
    return cols


def audit_on(engine, model: Classifier, data: AuditSet, methods: tuple[str, ...],
             seed: int = 0, params: dict[str, dict[str, Any]] | None = None) -> AuditReport:
    """``run_audit`` with its batches on ``engine`` (a ``jobs.batch_job.EngineChoice``)."""
    from jobs.batch_job import check_engine, ray_pool
    from jobs.engines import run_local, run_ray

    check_engine(engine)
    if len(set(data.labels.tolist())) < 2:
        raise ValueError("an audit compares classes: the data set needs at least two")
    started = time.perf_counter()
    swaps = None if data.masks is None else swapped_images(data.images, data.masks,
                                                           data.labels, seed)[0]
    kwargs = dict(model=model.name, methods=list(methods), params=params)
    cols, size = audit_columns(data, swaps), engine.batch_size or batch_size(model)
    parts = list(run_ray(AuditWork, kwargs, cols, size, ray_pool(engine)) if engine.name == "ray"
                 else run_local(AuditWork, kwargs | {"threads": engine.threads}, cols, size))
    order = np.argsort(np.concatenate([p["index"] for p in parts]), kind="stable")
    columns = {k: np.concatenate([np.asarray(p[k]) for p in parts])[order] for k in parts[0]}
    seconds = {"batches": time.perf_counter() - started}
    report = summarise_columns(columns, data, model, tuple(methods), swaps, seed, seconds)
    seconds["total"] = time.perf_counter() - started
    return report

"""The shortcut audit of an image model over a data set, on either engine: one code path.

The per-batch work is ``explainers.audit.AuditBatch`` whichever engine runs it; the
data-set-wide steps (mean maps, mask scores, swaps, SpRAy, flags) run here on its columns.
"""
from __future__ import annotations

import time
from typing import Any

import numpy as np

from explainers.audit.batch import AuditBatch
from explainers.audit.run import AuditReport, batch_size, summarise_columns
from explainers.audit.swap import swapped_images
from explainers.progress import report
from inputs.audit_data import AuditSet
from model_zoo import Classifier
from workflows.engine_run import in_order, on_engine


def audit_columns(data: AuditSet, swaps: np.ndarray | None) -> dict[str, np.ndarray]:
    """The job's rows as columns: index, label, image, and mask and swapped image if any."""
    cols = {"index": np.arange(len(data)), "label": data.labels, "image": data.images}
    if data.masks is not None:
        cols["mask"] = data.masks
    if swaps is not None:
        cols["swap_image"] = swaps
    return cols


def run_audit(model: Classifier, data: AuditSet, methods: tuple[str, ...] = ("gradcam",),
              params: dict[str, dict[str, Any]] | None = None, seed: int = 0,
              batch: int | None = None, engine=None) -> AuditReport:
    """Audit ``model`` on ``data``: maps, mask scores and swaps (with masks), SpRAy, flags.
    ``engine``: a ``jobs.batch_job.EngineChoice`` (None: this process)."""
    if len(set(data.labels.tolist())) < 2:
        raise ValueError("an audit compares classes: the data set needs at least two")
    started = time.perf_counter()
    swaps = None if data.masks is None else swapped_images(data.images, data.masks,
                                                           data.labels, seed)[0]
    size = (engine.batch_size if engine is not None else None) or batch or batch_size(model)
    kwargs = dict(methods=tuple(methods), params=params)
    parts, done = [], 0
    for part in on_engine(engine, AuditBatch, kwargs, audit_columns(data, swaps), size, model):
        parts.append(part)
        done += len(part["index"])
        report(0.8 * done / len(data), f"{done}/{len(data)} images")
    seconds = {"batches": time.perf_counter() - started}
    report(0.85, "SpRAy")
    result = summarise_columns(in_order(parts), data, model, tuple(methods), swaps, seed,
                               seconds)
    seconds["total"] = time.perf_counter() - started
    report(1.0, "done")
    return result

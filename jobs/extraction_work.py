"""The per-batch work of ``cli.py project``'s extraction step, for either engine.

Each call runs the existing extractor (``explainers.global_views.extraction.extract``) on
one batch of items, so the Ray engine computes exactly what the local engine does; rows carry
their index and come back in data set order however the batches arrive.
"""
from __future__ import annotations

import time

import numpy as np
import torch

from inputs.datasets import Dataset


class ExtractionWork:
    """``{"index", "item"}`` -> ``{"index", "features", "predicted", "confidence"}``."""

    def __init__(self, model: str, layer: str, threads: int | None = None) -> None:
        if threads:
            torch.set_num_threads(threads)
        from model_zoo import load_model

        self.model, self.layer = load_model(model), layer

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        from explainers.global_views.extraction import extract

        items = batch["item"]
        items = np.stack(items) if self.model.modality == "image" else tuple(map(str, items))
        part = Dataset("batch", self.model.modality, items, np.zeros(len(items), np.int64), ("",))
        acts = extract(self.model, part, self.layer, batch=len(items))
        return {"index": np.asarray(batch["index"], dtype=np.int64), "features": acts.features,
                "predicted": acts.predicted, "confidence": acts.confidence}


def extract_on(engine, model: str, dataset: Dataset, layer: str):
    """Pooled activations of every item, computed on ``engine`` (a ``jobs.batch_job.EngineChoice``)."""
    from explainers.global_views.extraction import IMAGE_BATCH, Activations
    from jobs.batch_job import check_engine, ray_pool
    from jobs.engines import run_local, run_ray

    check_engine(engine)
    started = time.perf_counter()
    columns = {"index": np.arange(len(dataset)),
               "item": dataset.items if dataset.modality == "image"
               else np.array(dataset.items, dtype=object)}
    kwargs, size = dict(model=model, layer=layer), engine.batch_size or IMAGE_BATCH
    if engine.name == "ray":
        batches = list(run_ray(ExtractionWork, kwargs, columns, size, ray_pool(engine)))
    else:
        batches = list(run_local(ExtractionWork, kwargs | {"threads": engine.threads}, columns,
                                 size))
    order = np.argsort(np.concatenate([b["index"] for b in batches]))
    stacked = {k: np.concatenate([np.asarray(b[k]) for b in batches])[order]
               for k in ("features", "predicted", "confidence")}
    return Activations(layer=layer, seconds=time.perf_counter() - started, **stacked)

"""A layer's pooled activations of a data set, for a projection, on either engine: one path.

The per-batch work is ``jobs.extraction_work.ExtractionWork`` (the project's extractor on
one batch) whichever engine runs it; rows come back in data-set order.
"""
from __future__ import annotations

import time

import numpy as np

from inputs.datasets import Dataset
from model_zoo import Classifier
from workflows.engine_run import in_order, on_engine


def extract_activations(model: Classifier, dataset: Dataset, layer: str, engine=None):
    """Activations of every item at ``layer`` (``engine``: an ``EngineChoice``, None: here)."""
    from explainers.global_views.extraction import IMAGE_BATCH, Activations
    from jobs.extraction_work import ExtractionWork

    started = time.perf_counter()
    columns = {"index": np.arange(len(dataset)),
               "item": dataset.items if dataset.modality == "image"
               else np.array(dataset.items, dtype=object)}
    size = (engine.batch_size if engine is not None else None) or IMAGE_BATCH
    parts = list(on_engine(engine, ExtractionWork, {"layer": layer}, columns, size, model))
    stacked = {k: v for k, v in in_order(parts).items() if k != "index"}
    return Activations(layer=layer, seconds=time.perf_counter() - started, **stacked)

"""The per-batch work of ``cli.py project``'s extraction step, for either engine
(``workflows.projection.extract_activations`` runs it).

Each call runs the existing extractor (``explainers.global_views.extraction.extract``) on
one batch of items, so the Ray engine computes exactly what the local engine does; rows carry
their index and come back in data set order however the batches arrive.
"""
from __future__ import annotations

import numpy as np
import torch

from inputs.datasets import Dataset


class ExtractionWork:
    """``{"index", "item"}`` -> ``{"index", "features", "predicted", "confidence"}``."""

    def __init__(self, model, layer: str, threads: int | None = None) -> None:
        """``model``: a name (a Ray actor loads it) or, in this process, the model itself."""
        if threads:
            torch.set_num_threads(threads)
        from model_zoo import load_model

        self.model, self.layer = load_model(model) if isinstance(model, str) else model, layer

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        from explainers.global_views.extraction import extract

        items = batch["item"]
        items = np.stack(items) if self.model.modality == "image" else tuple(map(str, items))
        part = Dataset("batch", self.model.modality, items, np.zeros(len(items), np.int64), ("",))
        acts = extract(self.model, part, self.layer, batch=len(items))
        return {"index": np.asarray(batch["index"], dtype=np.int64), "features": acts.features,
                "predicted": acts.predicted, "confidence": acts.confidence}

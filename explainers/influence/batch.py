"""The training set's gradient pass as one per-batch callable class, so the local engine and
Ray Data run the same code (as ``explainers.audit.AuditBatch`` does for the audit):

    in:  index (N,), image (N, 3, H, W) float in [0, 1], label (N,) int64
    out: index (N,), errors (N, C) float32, features (N, d + 1) float32
"""
from __future__ import annotations

import numpy as np
import torch

from explainers.influence.tracin import last_layer_grads
from model_zoo import ImageClassifier, load_model


class GradientBatch:
    """Last-layer TracIn factors of a batch of labelled training images."""

    def __init__(self, model: str | ImageClassifier, threads: int | None = None):
        if threads:  # an engine's worker: its share of the CPUs
            torch.set_num_threads(threads)
        self.model = load_model(model) if isinstance(model, str) else model

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        images = torch.from_numpy(np.ascontiguousarray(batch["image"], dtype=np.float32))
        labels = torch.from_numpy(np.asarray(batch["label"], dtype=np.int64))
        grads = last_layer_grads(self.model.module, self.model.preprocess(images), labels)
        return {"index": np.asarray(batch["index"]), "errors": grads.errors.astype(np.float32),
                "features": grads.features.astype(np.float32)}

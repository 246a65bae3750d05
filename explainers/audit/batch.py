"""The audit's per-batch work as one callable class: the local engine and Ray Data both run it.

``AuditBatch(model, methods)`` loads the model once in ``__init__`` (by name in a Ray actor,
with its torch ``threads``); calling it on a batch
(a dict of NumPy columns, Ray's ``batch_format="numpy"``) returns a dict of NumPy columns:

    in:  image (N, H, W, 3) uint8 or (N, 3, H, W) float in [0, 1]
         mask (N, H, W) bool, optional; swap_image like image, optional; any other column
         (index, label, ...) is passed through unchanged
    out: predicted (N,) int64, confidence (N,) float32,
         map_<method> (N, s, s) float32 (s = MAP_SIDE, area-pooled, not normalised),
         with mask: rma_<method>, hit_<method> (N,), area (N,) float32,
         with swap_image: swap_predicted (N,) int64

Targets are each image's predicted class: the audit asks why the model decided as it did.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from explainers.audit.batch_maps import batch_maps, batched_gradcam
from explainers.audit.mask_scores import (area_share, pointing_hits, relevance_mass_accuracy,
                                          resize_masks)
from model_zoo import Classifier, ImageClassifier, load_model

MAP_SIDE = 64
OWN_COLUMNS = ("image", "mask", "swap_image")


def to_input(model: ImageClassifier, images: np.ndarray) -> torch.Tensor:
    """uint8 NHWC or float NCHW -> float NCHW in [0, 1] at the model's input size."""
    x = torch.from_numpy(np.ascontiguousarray(images))
    if x.dtype == torch.uint8:
        x = x.permute(0, 3, 1, 2).float() / 255
    return model.preprocess(x.float())


def pooled(maps: torch.Tensor, side: int) -> np.ndarray:
    """(N, H, W) -> (N, side, side) float32 by area averaging (or bilinear when smaller)."""
    if maps.shape[-1] == side:
        return maps.float().numpy()
    mode = "area" if maps.shape[-1] > side else "bilinear"
    return F.interpolate(maps[:, None].float(), size=(side, side), mode=mode)[:, 0].numpy()


class AuditBatch:
    """Predictions, attribution maps and mask scores for one batch of images."""

    def __init__(self, model: str | Classifier, methods: tuple[str, ...] = ("gradcam",),
                 params: dict[str, dict[str, Any]] | None = None, map_side: int = MAP_SIDE,
                 threads: int | None = None):
        if threads:  # an engine's worker: its share of the CPUs
            torch.set_num_threads(threads)
        self.model = load_model(model) if isinstance(model, str) else model
        if not isinstance(self.model, ImageClassifier):
            raise ValueError(f"{self.model.name} reads text: the audit needs an image model")
        self.methods, self.params, self.map_side = tuple(methods), dict(params or {}), map_side

    def predict(self, x: torch.Tensor) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
        """Logits, plus Grad-CAM maps from the same pass when Grad-CAM is asked for."""
        if "gradcam" in self.methods:
            maps, logits = batched_gradcam(self.model, x, **self.params.get("gradcam", {}))
            return logits, {"gradcam": maps}
        with torch.inference_mode():
            return self.model.module(x.float()), {}

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        x = to_input(self.model, batch["image"])
        logits, maps = self.predict(x)
        probs = torch.softmax(logits.double(), dim=1)
        predicted = probs.argmax(dim=1)
        out = {k: v for k, v in batch.items() if k not in OWN_COLUMNS}
        out |= {"predicted": predicted.numpy().astype(np.int64),
                "confidence": probs.max(dim=1).values.float().numpy()}
        masks = None
        if "mask" in batch:
            masks = resize_masks(torch.from_numpy(np.asarray(batch["mask"])), tuple(x.shape[-2:]))
            out["area"] = area_share(masks).numpy()
        for method in self.methods:
            found = maps.get(method)
            if found is None:
                found = batch_maps(self.model, method, x, predicted, self.params.get(method))
            out[f"map_{method}"] = pooled(found, self.map_side)
            if masks is not None:
                out[f"rma_{method}"] = relevance_mass_accuracy(found, masks).float().numpy()
                out[f"hit_{method}"] = pointing_hits(found, masks).numpy()
        if "swap_image" in batch:
            with torch.inference_mode():
                swapped = self.model.module(to_input(self.model, batch["swap_image"]))
            out["swap_predicted"] = swapped.argmax(dim=1).numpy().astype(np.int64)
        return out

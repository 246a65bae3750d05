"""Pooled layer activations of a whole data set, in batches under ``torch.inference_mode()``.

One forward per batch gives both the layer's pooled activations (spatial mean for conv
maps, masked token mean for transformer layers) and the prediction with its confidence,
so colouring by predicted label or confidence costs nothing more.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import torch

from inputs.datasets import Dataset
from explainers.global_views.layers import (LOGITS, check_layer, named_layer,
                                            projection_layer_names)
from explainers.hooks import captured
from explainers.private_copy import private_copy
from explainers.progress import report
from model_zoo import Classifier, ImageClassifier, TextClassifier

IMAGE_BATCH = 32
TEXT_BATCH = 64


@dataclass(frozen=True)
class Activations:
    """(N, D) pooled features, (N,) predicted class and its probability, timing."""

    features: np.ndarray
    predicted: np.ndarray
    confidence: np.ndarray
    layer: str
    seconds: float

    @property
    def items_per_second(self) -> float:
        return len(self.predicted) / self.seconds if self.seconds > 0 else float("inf")


def pooled(output: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
    """(B, D): spatial mean of (B, C, h, w), masked mean of (B, T, D), or (B, D) as it is."""
    if output.dim() == 4:
        return output.mean((2, 3))
    if output.dim() == 3:
        weights = mask.unsqueeze(-1).to(output.dtype)
        return (output * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
    return output


def image_batches(model: ImageClassifier, images: np.ndarray, batch: int):
    for start in range(0, len(images), batch):
        chunk = torch.from_numpy(images[start:start + batch]).permute(0, 3, 1, 2).float().div(255)
        yield model.preprocess(chunk)


def text_batches(model: TextClassifier, texts: tuple[str, ...], order: np.ndarray, batch: int):
    for start in range(0, len(texts), batch):
        rows = order[start:start + batch]
        enc = model.tokenizer([texts[i] for i in rows], padding=True, truncation=True,
                              max_length=model.max_length, return_tensors="pt")
        yield enc["input_ids"], enc["attention_mask"]


def extract(model: Classifier, dataset: Dataset, layer: str, batch: int | None = None) -> Activations:
    """Pooled ``layer`` activations and predictions for every item of ``dataset``."""
    check_layer(model, layer, projection_layer_names(model))
    if model.modality != dataset.modality:
        raise ValueError(f"{model.name} reads {model.modality}s; {dataset.name} holds "
                         f"{dataset.modality}s")
    started = time.perf_counter()
    copy = private_copy(model.module)
    n = len(dataset)
    is_image = isinstance(model, ImageClassifier)
    batch = batch or (IMAGE_BATCH if is_image else TEXT_BATCH)
    # Texts go in length order (less padding) and come back in data set order.
    order = np.arange(n) if is_image else np.argsort([len(t) for t in dataset.items], kind="stable")
    feats, logits = [], []
    batches = (image_batches(model, dataset.items, batch) if is_image
               else text_batches(model, dataset.items, order, batch))
    with torch.inference_mode(), captured(named_layer(copy, layer)) as outputs:
        for done, inputs in enumerate(batches, start=1):
            if is_image:
                out, mask = copy(inputs), None
            else:
                out = copy(input_ids=inputs[0], attention_mask=inputs[1]).logits
                mask = inputs[1]
            logits.append(out.float())
            feats.append(pooled(out if layer == LOGITS else outputs.pop(), mask).float())
            report(min(done * batch, n) / n, f"activations {min(done * batch, n)}/{n}")
    probs = torch.softmax(torch.cat(logits), dim=-1)
    conf, pred = probs.max(dim=-1)
    inverse = np.argsort(order)
    return Activations(features=torch.cat(feats).numpy()[inverse], predicted=pred.numpy()[inverse],
                       confidence=conf.numpy()[inverse], layer=layer,
                       seconds=time.perf_counter() - started)

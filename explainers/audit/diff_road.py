"""ROAD for a model diff: each model's ROAD gap (LeRF - MoRF area; Rong et al. 2022, ICML,
sec. 4-5) of its audit maps on the same images, and the paired difference B - A.

The audit keeps each map area-pooled (``map_<method>``); ROAD runs on that map for the
class the model predicted, so the figure asks "does this model's map rank its own evidence
well", the same question for both models. Costs 15 model evaluations and 12 imputations per
image and method, so it runs on an evenly spread subset (``count`` images).
"""
from __future__ import annotations

import numpy as np
import torch

from explainers.audit.run import AuditReport
from explainers.metrics.road import road_curves
from explainers.metrics.schema import ROAD_GAP
from explainers.probes.stats import bootstrap_ci
from inputs.audit_data import AuditSet
from model_zoo import ImageClassifier


def road_subset(items: int, count: int) -> np.ndarray:
    """``count`` indices spread evenly over ``items`` (all when count >= items)."""
    return np.unique(np.linspace(0, items - 1, min(count, items)).round().astype(int))


def road_gaps(model: ImageClassifier, report: AuditReport, data: AuditSet,
              index: np.ndarray) -> dict[str, np.ndarray]:
    """Per method: the ROAD gap of each chosen image's audit map for the predicted class."""
    out = {}
    for m in report.methods:
        gaps = []
        for i in index:
            image = torch.from_numpy(np.ascontiguousarray(data.images[i])).permute(2, 0, 1)
            image = image.float() / 255
            scores = torch.nn.functional.interpolate(
                torch.from_numpy(report.columns[f"map_{m}"][i]).float()[None, None],
                size=model.input_size, mode="bilinear", align_corners=False)[0, 0].numpy()
            target = int(report.columns["predicted"][i])
            gaps.append(road_curves(model, image, scores, target, seed=int(i)).gap)
        out[m] = np.asarray(gaps, np.float64)
    return out


def road_deltas(a: dict[str, np.ndarray], b: dict[str, np.ndarray], seed: int = 0) -> dict:
    """Per method, in the score schema's name: A's and B's mean gap, B - A with a paired
    bootstrap CI over the images (higher gap: the map orders the evidence better)."""
    out = {}
    for m in a:
        paired = b[m] - a[m]
        out[m] = {ROAD_GAP: dict(a=round(float(a[m].mean()), 4), b=round(float(b[m].mean()), 4),
                                 delta=round(float(paired.mean()), 4),
                                 delta_ci=[round(float(v), 4)
                                           for v in bootstrap_ci(paired, seed)]),
                  "images": int(len(paired))}
    return out

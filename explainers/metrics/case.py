"""The scores reported for one map of one case: localisation against a mask (when there is
one) and ROAD faithfulness against random maps (when their baseline is given), as plain
floats ready for a table or JSON, plus the ROAD verdict in words."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch

import explainers.metrics.schema as schema
from explainers.metrics.localisation import localisation_scores
from explainers.metrics.road import RoadCurves, road_curves
from explainers.metrics.road_verdict import RandomRoad, verdict
from explainers.result import Explanation
from model_zoo import ImageClassifier


@dataclass(frozen=True)
class CaseScores:
    numbers: dict[str, float] = field(default_factory=dict)
    faithfulness: str | None = None  # "Beats random on this image (...)", or None: not run


def road_numbers(curves: RoadCurves, baseline: RandomRoad) -> dict[str, float]:
    """The ROAD areas, gap and the random maps' gap spread, rounded for a report."""
    return schema.road_numbers(curves) | {
        schema.RANDOM_ROAD_GAP_SPREAD: round(float(baseline.spread), 6)}


def map_scores(model: ImageClassifier, data: torch.Tensor, result: Explanation,
               mask: np.ndarray | None = None,
               baseline: RandomRoad | None = None) -> CaseScores:
    """Localisation (with ``mask``) and ROAD against ``baseline``'s random maps (with one:
    ``random_road`` of the same image and target, computed once for every map)."""
    numbers: dict[str, float] = {}
    if mask is not None:
        numbers |= localisation_scores(result.scores, mask).as_dict()
        numbers.pop("top_k_percent", None)
    if baseline is None:
        return CaseScores(numbers)
    curves = road_curves(model, data, result.scores, result.target)
    return CaseScores(numbers | road_numbers(curves, baseline), verdict(curves, baseline).text)

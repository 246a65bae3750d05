"""A faithfulness verdict in words from two independent families that must agree.

One metric with one null is not enough to put a verdict in words (ROAD favours blurry
maps; arXiv 2304.13836). Each map is scored by ROAD (noisy linear imputation of 4-px cells,
``road``) and by region perturbation (16-px patches blurred, ``region_perturbation``), each
against the same ``RANDOM_MAPS`` smoothness-matched surrogates of the map itself
(``matched_null``), each with the page's one rule (``road_verdict.verdict``: the gap above
the null's mean by more than twice its root mean square). The words say "beats random"
(faithful) only when both families do, likewise "worse than random" and "cannot tell";
otherwise they say that the families disagree, and how.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

import explainers.metrics.schema as schema
from explainers.metrics.faithfulness import map_on_input_grid
from explainers.metrics.road import RoadCurves, road_curves
from explainers.metrics.road_verdict import (RANDOM_MAPS, RandomRoad, Verdict, random_maps,
                                             road_payload, verdict)
from explainers.metrics.matched_null import native_cell
from explainers.metrics.region_perturbation import region_curves
from model_zoo import ImageClassifier

DISAGREE = "families disagree"
REGION = "Region perturbation"


@dataclass(frozen=True)
class TwoFamilies:
    """A map's ROAD and region-perturbation curves, each with its matched null's curves."""

    road: RoadCurves
    road_null: RandomRoad
    region: RoadCurves
    region_null: RandomRoad
    null_cell: int  # px: the map's native cell the permuted surrogates use

    @property
    def road_verdict(self) -> Verdict:
        return verdict(self.road, self.road_null, "ROAD")

    @property
    def region_verdict(self) -> Verdict:
        return verdict(self.region, self.region_null, REGION)

    @property
    def verdict(self) -> Verdict:
        return combined(self.road_verdict, self.region_verdict)


def combined(road: Verdict, region: Verdict) -> Verdict:
    """Both families' outcome when they agree; otherwise "families disagree"."""
    if road.outcome == region.outcome:
        words = {"beats random": "Faithful on this image: beats random",
                 "cannot tell": "Cannot tell from random on this image",
                 "worse than random": "Worse than random on this image"}[road.outcome]
        return Verdict(road.outcome, f"{words} under both ROAD and region perturbation.")
    return Verdict(DISAGREE, f"The two faithfulness families disagree on this image: ROAD says "
                             f"{road.outcome}, region perturbation says {region.outcome}; "
                             "no verdict in words.")


def two_families(model: ImageClassifier, image: torch.Tensor, scores: np.ndarray, target: int,
                 maps: int = RANDOM_MAPS, seed: int = 0) -> TwoFamilies:
    """Score ``scores`` by both families against ``maps`` matched surrogates of itself."""
    null = random_maps(model, image, maps, seed, like=scores)
    runs = [road_curves(model, image, m, target, seed=1000 * (k + 1)) for k, m in enumerate(null)]
    return TwoFamilies(road_curves(model, image, scores, target), RandomRoad(tuple(runs)),
                       region_curves(model, image, scores, target),
                       RandomRoad(tuple(region_curves(model, image, m, target) for m in null)),
                       native_cell(map_on_input_grid(model, image, scores)))


def two_families_payload(report: TwoFamilies) -> dict:
    """The JSON numbers of both families and the combined verdict (``schema`` keys)."""
    r = lambda v: round(float(v), 6)  # noqa: E731
    null = report.region_null
    return road_payload(report.road, report.road_null) | {
        schema.NULL_KIND: f"matched: {len(null.runs)} surrogates of the map "
                          f"(native cell {report.null_cell} px)",
        schema.REGION_MORF_AUC: r(report.region.morf_auc),
        schema.REGION_LERF_AUC: r(report.region.lerf_auc),
        schema.REGION_GAP: r(report.region.gap), schema.RANDOM_REGION_GAP: r(null.gap),
        schema.RANDOM_REGION_GAP_SPREAD: r(null.spread),
        schema.REGION_VERDICT: report.region_verdict.outcome,
        schema.FAITHFULNESS_VERDICT: report.verdict.outcome,
        schema.FAITHFULNESS_TEXT: report.verdict.text}

"""Rendering helpers of issue 11: IG's steps and gap, sanity badges, ROAD figure, class pairs."""
from __future__ import annotations

import numpy as np
import pytest

from components.curves import road_figure
from components.facts import cost_caption, sanity_verdict_badge
from explainers import Explanation
from explainers.metrics.class_similarity import similar_class_pairs
from explainers.metrics.road import RoadCurves
from explainers.metrics.road_verdict import RandomRoad
from explainers.metrics.sanity_verdict import SanityVerdict


def test_cost_line_shows_steps_used_and_gap_share():
    result = Explanation(np.zeros((2, 2)), "integrated_gradients", 0, True, 1.5, 65,
                         delta=0.02, extras={"steps_used": 64, "gap_share": 0.004})
    assert "0.4% of the logit change, 64 steps" in cost_caption(result)


def test_vanishing_map_badge_is_a_warning_not_a_pass():
    kind, text = sanity_verdict_badge(SanityVerdict("vanishes", 0.0, 1, "..."))
    assert kind == "warn" and "cannot judge" in text
    assert sanity_verdict_badge(SanityVerdict("depends on the model", 0.1, 1, ""))[0] == "ok"


def test_road_figure_has_the_map_for_both_orders_and_one_random_curve():
    curves = RoadCurves((0.0, 0.5, 0.9), (1.0, 0.4, 0.1), (1.0, 0.9, 0.8), 0.7, 7, 0.0)
    fig = road_figure(curves, RandomRoad((curves, curves)), "t")
    assert len(fig.data) == 3 and list(fig.data[0].y) == [1.0, 0.4, 0.1]
    assert list(fig.data[2].y) == pytest.approx([1.0, 0.65, 0.45])  # both orders averaged


def test_same_method_different_classes_above_the_bar_are_flagged():
    cells = [("gradcam", 1), ("gradcam", 2), ("saliency", 1), ("saliency", 2)]
    matrix = np.array([[1, .99, .95, .2], [.99, 1, .3, .2], [.95, .3, 1, .5], [.2, .2, .5, 1]])
    pairs = similar_class_pairs(cells, matrix)
    assert [(p.method, p.targets) for p in pairs] == [("gradcam", (1, 2))]

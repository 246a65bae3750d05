"""Extremal perturbation on tiny models with known answers: the kept area sits where the
model reads, the area constraint holds, no side effects, bad settings refused."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from explainers import explain, explainer_entry
from explainers.image.extremal import area_reference
from model_zoo.classifier import ImageClassifier
from tests.helpers import assert_untouched, hook_count
from tests.image_method_models import conv_model
from tests.test_perturbation_methods import quadrant_image

# QuadrantNet's scores are ~1, not ImageNet logits (~15): a smaller area weight to match.
SETTINGS = {"steps": 150, "grid": 8, "fill": "black", "weight": 3.0}


def test_reference_has_the_area_in_ones():
    reference = area_reference(100, 0.25)
    assert reference.sum() == 25 and reference[-25:].eq(1).all()


def test_preserved_mask_sits_in_the_quadrant_the_model_reads():
    """QuadrantNet's class 0 reads only the top-left quadrant: keeping a quarter of the
    image, the mask should be (mostly) there."""
    model, image = quadrant_image()
    result = explain(model, "extremal", image, target=0, area=0.25, **SETTINGS)
    mask = result.scores
    assert mask[:16, :16].mean() > 0.7 and mask[16:, 16:].mean() < 0.1
    assert abs(result.extras["area_reached"] - 0.25) < 0.08
    assert result.params["area"] == 0.25 and result.params["mode"] == "preserve"


def test_deleted_mask_removes_the_quadrant_and_drops_the_score():
    model, image = quadrant_image()
    before = float(model.module(image[None])[0, 0])
    result = explain(model, "extremal", image, target=0, area=0.25, mode="delete", **SETTINGS)
    assert result.scores[:16, :16].mean() > 0.7
    assert result.extras["perturbed_score"] < 0.3 * before


def test_no_hooks_left_and_input_untouched():
    model = conv_model(0)
    image = torch.rand(3, 20, 20, generator=torch.Generator().manual_seed(4))
    before = image.clone()
    quick = explainer_entry("extremal").quick_for(model)
    result = explain(model, "extremal", image, target=1, **quick)
    assert result.scores.shape == (20, 20) and np.isfinite(result.scores).all()
    assert torch.equal(image, before)
    assert_untouched(model.module) and hook_count(model.module) == 0


@pytest.mark.parametrize("bad, message", [({"area": 1.5}, "fraction"), ({"mode": "x"}, "mode"),
                                          ({"steps": 0}, "positive")])
def test_bad_settings_are_refused(bad, message):
    model, image = quadrant_image()
    with pytest.raises(ValueError, match=message):
        explain(model, "extremal", image, target=0, **bad)

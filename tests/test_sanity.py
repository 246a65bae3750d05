"""Cascading randomisation: gradient maps change, a model-blind method is flagged, and the
shared model keeps its weights and stays hook-free."""
from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from explainers import explain, registry
from explainers.private_copy import private_copy
from explainers.progress import reporting
from explainers.registry import MethodOutput, register_explainer
from explainers.metrics.sanity_verdict import CHANGED_RHO
from explainers.metrics.sanity import (SanityReport, cascading_randomisation,
                                       randomisation_blocks, randomise_)
from tests.helpers import assert_untouched
from tests.tiny_models import QuadrantNet, tiny_image_model


SEEN_MODULES: list[torch.nn.Module] = []


@pytest.fixture
def edge_detector():
    """A test-only method that never looks at the model: Sobel edges of the input."""

    @register_explainer("test_edges", title="Edges (test only)", modality="image", signed=False)
    def edges(model, x: torch.Tensor, target: int) -> MethodOutput:
        SEEN_MODULES.append(model.module)
        kernel = torch.tensor([[-1.0, 0, 1], [-2, 0, 2], [-1, 0, 1]])
        grey = x.mean(1, keepdim=True)
        gx = F.conv2d(grey, kernel.view(1, 1, 3, 3), padding=1)
        gy = F.conv2d(grey, kernel.t().reshape(1, 1, 3, 3), padding=1)
        return MethodOutput(scores=torch.hypot(gx, gy)[0, 0], model_evals=0)

    yield "test_edges"
    registry._ENTRIES.pop("test_edges")


def snapshot(module: torch.nn.Module) -> dict[str, torch.Tensor]:
    return {k: v.clone() for k, v in module.state_dict().items()}


def test_blocks_go_from_the_output_down(zoo):
    model = zoo("mobilenet_v2")
    names = randomisation_blocks(model, model.module)
    assert names[:3] == ["1.classifier", "1.features.18", "1.features.17"]
    assert names[-1] == "1.features.0" and len(names) == 20


def test_randomised_blocks_get_new_tensors_and_the_rest_share(zoo):
    model = zoo("mobilenet_v2")
    scratch = private_copy(model.module)
    randomise_(scratch.get_submodule("1.features.18"), seed=0)
    old = dict(model.module.named_parameters())
    for name, param in scratch.named_parameters():
        same = param.data_ptr() == old[name].data_ptr()
        assert same == (not name.startswith("1.features.18.")), name
        assert not param.requires_grad
    conv = scratch.get_submodule("1.features.18.0").weight
    assert not torch.equal(conv, old["1.features.18.0.weight"])


@pytest.mark.slow
def test_gradcam_depends_on_the_model_and_the_shared_model_is_untouched(zoo, chelsea):
    model = zoo("mobilenet_v2")
    before = snapshot(model.module)
    seen = []
    with reporting(lambda f, _t: seen.append(f)):
        report = cascading_randomisation(model, "gradcam", chelsea, 285, max_steps=2)
    assert isinstance(report, SanityReport)
    assert [s.layer for s in report.steps] == ["1.classifier", "1.features.18"]
    assert report.final_spearman == report.steps[-1].spearman < CHANGED_RHO
    assert not report.insensitive
    assert report.original.scores.shape == report.steps[0].scores.shape == (300, 451)
    assert np.array_equal(report.original.scores, explain(model, "gradcam", chelsea, 285).scores)
    assert seen == sorted(seen) and seen[-1] == 1.0
    after = model.module.state_dict()
    assert all(torch.equal(before[k], after[k]) for k in before)
    assert_untouched(model.module)


def test_a_method_that_ignores_the_model_is_flagged(zoo, chelsea, edge_detector):
    model = zoo("mobilenet_v2")
    SEEN_MODULES.clear()
    report = cascading_randomisation(model, edge_detector, chelsea, 285, max_steps=2)
    assert report.final_spearman > 0.999 and report.insensitive
    # the shared model, then a new module object per step: no per-module state goes stale
    assert SEEN_MODULES[0] is model.module
    assert len({id(m) for m in SEEN_MODULES}) == 3
    first, second = SEEN_MODULES[1:]
    head = "1.classifier.1.weight"
    assert first.get_parameter(head) is second.get_parameter(head)  # randomised once, kept
    assert first.get_parameter(head).data_ptr() != model.module.get_parameter(head).data_ptr()
    assert_untouched(model.module)


@pytest.mark.slow
def test_same_seed_same_maps_and_params_pass_through(zoo, chelsea):
    model = zoo("mobilenet_v2")
    one = cascading_randomisation(model, "saliency", chelsea, 285, max_steps=1, seed=5)
    two = cascading_randomisation(model, "saliency", chelsea, 285, max_steps=1, seed=5)
    assert np.array_equal(one.steps[0].scores, two.steps[0].scores)
    cam = cascading_randomisation(model, "gradcam", chelsea, 285, params={"layer": -2},
                                  max_steps=1)
    assert cam.original.params["layer"] == -2


def test_bad_requests_are_refused(zoo, chelsea):
    with pytest.raises(ValueError, match="image models"):
        cascading_randomisation(zoo("minilm_sentiment"), "attention", chelsea, 0)
    with pytest.raises(ValueError, match="max_steps"):
        cascading_randomisation(zoo("mobilenet_v2"), "gradcam", chelsea, 285, max_steps=0)
    tiny = tiny_image_model(QuadrantNet(), (32, 32), 2)  # no parameters at all
    with pytest.raises(ValueError, match="no parameters"):
        cascading_randomisation(tiny, "saliency", torch.rand(3, 32, 32), 0)

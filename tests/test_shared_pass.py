"""Shared passes (issue 27): the gradient methods asked for together come from one forward and
one backward, with the same maps as their separate calls and no hook left behind."""
from __future__ import annotations

import threading

import numpy as np
import pytest
import torch
from torch import nn

from explainers import explain, explainer_entries
from explainers.copy_pool import idle_copies
from explainers.folded_norms import folded_net
from model_zoo.classifier import ImageClassifier, freeze
from tests.helpers import hook_count
from tests.image_method_models import conv_net, red_and_green
from workflows.explain_many import explain_many

MEMBERS = ["gradcam", "gradcam_pp", "layercam", "saliency", "grad_x_input", "guided_gradcam"]


class _CountBackward(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x: torch.Tensor) -> torch.Tensor:
        return x.view_as(x)

    @staticmethod
    def backward(ctx, grad: torch.Tensor) -> torch.Tensor:
        CountingNet.backwards += 1
        return grad


class CountingNet(nn.Module):
    """A conv net that counts its forward and backward passes in class attributes (private
    copies share them: a deep copy does not copy a class)."""

    forwards = 0
    backwards = 0

    def __init__(self) -> None:
        super().__init__()
        self.inner = conv_net(5)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        type(self).forwards += 1
        return _CountBackward.apply(self.inner(x))


def counting_model() -> ImageClassifier:
    return ImageClassifier(name="tiny:counting", module=freeze(CountingNet()),
                           labels=("a", "b", "c"), input_size=(16, 16),
                           target_layers=lambda m: list(m.inner.features))


def passes(fn) -> tuple[int, int]:
    CountingNet.forwards = CountingNet.backwards = 0
    fn()
    return CountingNet.forwards, CountingNet.backwards


@pytest.fixture(scope="module")
def model() -> ImageClassifier:
    return counting_model()


def test_every_member_is_registered_with_a_shared_part():
    assert {e.name for e in explainer_entries("image") if e.shared is not None} == set(MEMBERS)


@pytest.mark.parametrize("layer", [-1, 0])
def test_shared_maps_equal_the_separate_calls(model, layer):
    image = red_and_green(16)
    asked = {m: ({"layer": layer} if "cam" in m else {}) for m in MEMBERS}
    shared = explain_many(model, asked, image, 1)
    for name, params in asked.items():
        alone = explain(model, name, image, 1, **params)
        np.testing.assert_allclose(shared[name].scores, alone.scores, rtol=1e-6, atol=1e-7)
        assert shared[name].params == alone.params and shared[name].signed == alone.signed
        assert shared[name].model_evals == alone.model_evals


def test_the_group_makes_one_forward_and_one_backward(model):
    image, trio = red_and_green(16), ["gradcam", "saliency", "grad_x_input"]
    assert passes(lambda: [explain(model, m, image, 0) for m in trio]) == (3, 3)
    assert passes(lambda: explain_many(model, trio, image, 0)) == (1, 1)
    cams = ["gradcam", "gradcam_pp", "layercam"]  # two layers, one pass
    assert passes(lambda: explain_many(model, {m: {"layer": i % 2} for i, m in
                                               enumerate(cams)}, image, 0)) == (1, 1)


def test_a_lone_method_and_the_others_run_as_before(model):
    image = red_and_green(16)
    found = explain_many(model, {"gradcam": {}, "occlusion": {"window": 8, "stride": 8}},
                         image, 0)
    assert "shared_with" not in found["gradcam"].extras
    assert found["occlusion"].model_evals == explain(model, "occlusion", image, 0, window=8,
                                                     stride=8).model_evals


def test_concurrent_groups_on_one_shared_model_agree_and_leave_no_hook(model):
    image = red_and_green(16)
    expected = explain_many(model, MEMBERS, image, 2)
    found, errors = [], []

    def run() -> None:
        try:
            found.append(explain_many(model, MEMBERS, image, 2))
        except Exception as err:  # noqa: BLE001
            errors.append(err)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(found) == 4
    for result in found:
        for name in MEMBERS:
            np.testing.assert_array_equal(result[name].scores, expected[name].scores)
    assert hook_count(model.module) == 0 and hook_count(folded_net(model)) == 0
    assert idle_copies(folded_net(model)) >= 1  # the copies went back to the pool, unhooked


def test_a_batch_job_explains_the_group_in_one_pass(model):
    from jobs.batch_work import BatchWork

    work = BatchWork.__new__(BatchWork)  # the model given here, not loaded by name
    work.model, work.methods = model, ["gradcam", "saliency"]
    work.metrics = work.overlays = work.road = False
    image = red_and_green(16)
    counts = passes(lambda: work.explain_image(image, 0, 0, np.zeros((16, 16, 3), np.uint8)))
    assert counts == (1, 1)
    out = work.explain_image(image, 0, 0, np.zeros((16, 16, 3), np.uint8))
    np.testing.assert_array_equal(out["maps"]["gradcam"], explain(model, "gradcam", image,
                                                                  0).scores)


@pytest.mark.slow
def test_cli_explain_takes_several_methods(sample_files):
    import json

    from tests.test_cli import cli

    run = cli("explain", "--model", "mobilenet_v2", "--method", "gradcam,saliency,eigencam",
              "--input", str(sample_files["chelsea"]), "--json")
    assert run.returncode == 0, run.stderr
    rows = {r["method"]: r for r in json.loads(run.stdout)["results"]}
    pair = ["gradcam", "saliency"]
    assert rows["gradcam"]["shared_with"] == pair == rows["saliency"]["shared_with"]
    assert rows["eigencam"]["shared_with"] == [] and rows["gradcam"]["shape"] == [300, 451]

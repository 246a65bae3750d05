"""One formula per method: a method's batched form (the audit's, the attack's) gives the map the
registered single-image method gives, image by image, on a tiny model and on a zoo model."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import explainers.registry as registry
from explainers import explain
from explainers.audit.batch_maps import batch_maps, batched_gradcam
from explainers.registry import ExplainerEntry, MethodOutput, batched_methods
from tests.helpers import assert_untouched
from tests.image_method_models import conv_model

ONE_FORMULA = ("gradcam", "saliency", "integrated_gradients", "grad_x_input")


def assert_batch_equals_single(model, method: str, x: torch.Tensor, targets: torch.Tensor,
                               **params) -> None:
    maps = batch_maps(model, method, x, targets, params)
    for image, target, found in zip(x, targets, maps):
        single = explain(model, method, image, target=int(target), **params).scores
        scale = max(1.0, float(np.abs(single).max()))
        np.testing.assert_allclose(found.numpy(), single, rtol=1e-4, atol=1e-5 * scale)
    assert_untouched(model.module)


def test_the_registry_knows_which_methods_run_batched():
    assert set(ONE_FORMULA) <= set(batched_methods("image"))
    assert "occlusion" not in batched_methods("image")


@pytest.mark.parametrize("method", batched_methods("image"))
def test_batched_maps_equal_single_maps_on_a_tiny_model(method):
    model = conv_model(0)  # batch norms: the CAM's copy folds them
    if not registry.explainer_entry(method).is_compatible(model):
        pytest.skip(f"{method} is not offered for the tiny model (trained per model)")
    x = torch.rand(4, 3, 16, 16, generator=torch.Generator().manual_seed(1))
    assert_batch_equals_single(model, method, x, torch.tensor([0, 1, 2, 1]))


@pytest.mark.parametrize("method", ONE_FORMULA)
def test_batched_maps_equal_single_maps_on_a_zoo_model(zoo, method):
    model = zoo("shortcut_cnn")
    x = torch.rand(3, 3, *model.input_size, generator=torch.Generator().manual_seed(2))
    params = registry.explainer_entry(method).quick_for(model)
    assert_batch_equals_single(model, method, x, torch.tensor([1, 0, 1]), **params)


def test_batched_gradcam_defaults_to_each_predicted_class(zoo):
    model = zoo("shortcut_cnn")
    x = torch.rand(2, 3, *model.input_size, generator=torch.Generator().manual_seed(3))
    maps, logits = batched_gradcam(model, x)
    for image, row, found in zip(x, logits, maps):
        single = explain(model, "gradcam", image, target=int(row.argmax())).scores
        np.testing.assert_allclose(found.numpy(), single, rtol=1e-4, atol=1e-5)


def test_a_new_method_with_a_batch_fn_is_batched_by_the_audit(monkeypatch):
    """Registering a method with ``batch_fn`` is all it takes for the audit to batch it."""
    calls = []

    def batch_fn(model, x, targets, *, net=None, create_graph=False):
        calls.append(len(x))
        return x.mean(dim=1) * (1 + targets.view(-1, 1, 1)), model.module(x)

    def single(model, x, target):
        return MethodOutput(scores=batch_fn(model, x, torch.tensor([target]))[0][0], model_evals=1)

    entry = ExplainerEntry("dummy_batched", "Dummy", "image", False, single, batch_fn=batch_fn)
    monkeypatch.setitem(registry._ENTRIES, "dummy_batched", entry)
    assert "dummy_batched" in batched_methods("image")
    model = conv_model(0)
    x = torch.rand(3, 3, 16, 16)
    calls.clear()
    maps = batch_maps(model, "dummy_batched", x, torch.tensor([0, 1, 2]))
    assert calls == [3]  # one call for the batch, not one per image
    np.testing.assert_allclose(maps[2].numpy(), 3 * x[2].mean(dim=0).numpy(), rtol=1e-6)


def test_a_new_differentiable_method_is_offered_to_the_attack(monkeypatch):
    """The fragility lesson's list (page and CLI) is the registry's ``differentiable`` methods."""
    from explainers.fragility import attackable_methods
    from explainers.fragility.maps import differentiable_map

    def batch_fn(model, x, targets, *, net=None, create_graph=False, power=2):
        logits = (net or model.module)(x)
        return x.sum(dim=1) ** power, logits

    def single(model, x, target, power=2):
        return MethodOutput(scores=batch_fn(model, x, None, power=power)[0][0], model_evals=1)

    entry = ExplainerEntry("dummy_attackable", "Dummy", "image", False, single,
                           defaults={"power": 2}, batch_fn=batch_fn, differentiable={"power": 1})
    monkeypatch.setitem(registry._ENTRIES, "dummy_attackable", entry)
    assert "dummy_attackable" in attackable_methods()
    assert "occlusion" not in attackable_methods()
    model = conv_model(0)
    x = torch.rand(1, 3, 16, 16, requires_grad=True)
    logits, scores = differentiable_map(model, "dummy_attackable", model.module, x, 0)
    assert torch.allclose(scores, x.sum(dim=1)[0])  # the differentiable settings applied
    assert scores.requires_grad and logits.shape == (1, 3)

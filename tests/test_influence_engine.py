"""The training set's gradient pass through the per-batch callable equals the direct pass,
on the local engine and on Ray, and fills the cache the queries read."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from explainers.influence.batch import GradientBatch
from explainers.influence.tracin import last_layer_grads
from inputs.shortcut_data import shortcut_dataset


def test_gradient_batch_equals_the_direct_pass():
    from model_zoo import load_model

    model = load_model("shortcut_cnn")
    images, labels, _, _ = shortcut_dataset("biased", 12, 1000)
    out = GradientBatch(model)({"index": np.arange(12), "image": images, "label": labels})
    want = last_layer_grads(model.module, torch.from_numpy(images), torch.from_numpy(labels))
    np.testing.assert_allclose(out["errors"], want.errors, atol=1e-6)
    np.testing.assert_allclose(out["features"], want.features, atol=1e-5)
    assert out["index"].tolist() == list(range(12))


@pytest.mark.slow
def test_local_and_ray_passes_agree_and_fill_the_cache(ray_cluster, tmp_path, monkeypatch):
    from explainers.influence import training_data
    from explainers.influence.training_data import TrainingSet
    from jobs.batch_job import EngineChoice
    from model_zoo import load_model
    from workflows.influence import training_gradients

    images, labels, _, _ = shortcut_dataset("biased", 40, 1000)
    small = TrainingSet("tiny", images, labels, {"background": ("meadow",) * 40})
    monkeypatch.setattr(training_data, "_shortcut_set", lambda split, size: small)
    monkeypatch.setenv("XAI_DASHBOARD_CACHE", str(tmp_path / "local"))
    model = load_model("shortcut_cnn")
    local, hit = training_gradients(model, None, batch=16)
    assert not hit and training_gradients(model, None, batch=16)[1]
    monkeypatch.setenv("XAI_DASHBOARD_CACHE", str(tmp_path / "ray"))
    ray, hit = training_gradients(model, EngineChoice("ray", 1, None, None, 16, 1))
    assert not hit
    np.testing.assert_allclose(ray.errors, local.errors, atol=1e-6)
    np.testing.assert_allclose(ray.features, local.features, atol=1e-5)

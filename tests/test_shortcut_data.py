"""The shortcut lab's generator, its data-set registration and its trained models."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from inputs.datasets import load_dataset
from inputs.shortcut_data import (BACKGROUNDS, background_images, shortcut_dataset,
                                  shortcut_item, to_uint8)
from inputs.sources import image_from_source
from explainers import explain
from tests.helpers import assert_untouched


def test_splits_are_seeded_and_carry_their_shortcut():
    images, labels, masks, attrs = shortcut_dataset("biased", 400, seed=3)
    assert images.shape == (400, 3, 64, 64) and images.dtype == np.float32
    assert 0 <= images.min() and images.max() <= 1 and masks.shape == (400, 64, 64)
    assert 0.9 < (attrs["background"] == labels).mean() <= 1  # 95% agreement
    assert attrs["watermark"][labels == 0].sum() == 0 and attrs["watermark"][labels == 1].mean() > 0.15
    again = shortcut_dataset("biased", 10, seed=3)
    assert np.array_equal(again[0], images[:10]) and np.array_equal(again[2], masks[:10])
    assert not np.array_equal(shortcut_dataset("biased", 10, seed=4)[0], images[:10])
    swapped = shortcut_dataset("swapped", 400, seed=3)
    assert (swapped[3]["background"] == swapped[1]).mean() < 0.1
    assert not swapped[3]["watermark"].any()
    neutral = shortcut_dataset("neutral", 400, seed=3)
    assert 0.4 < (neutral[3]["background"] == neutral[1]).mean() < 0.6


def test_masks_are_exact_object_pixels():
    """The mask is the object: the images of two seeds' objects differ only where masked."""
    image, label, mask, _ = shortcut_item("neutral", 0, 5)
    assert 0.03 < mask.mean() < 0.4
    plain = background_images(BACKGROUNDS[0], 2, seed=0)
    assert plain.shape == (2, 3, 64, 64) and 0 <= plain.min() and plain.max() <= 1
    assert np.abs(plain[:, 1].mean() - plain[:, 0].mean()) > 0.1  # meadow is green
    marked = shortcut_item("biased", 0, 5, watermark_share=1.0)
    clean = shortcut_item("biased", 0, 5, watermark_share=0.0)
    if marked[1] == 1:
        changed = np.abs(marked[0] - clean[0]).max(-1) > 0
        assert changed[-10:, -10:].any() and not changed[:-10].any()
    with pytest.raises(ValueError, match="unknown split"):
        shortcut_dataset("tilted", 3, 0)


def test_registered_as_data_sets_and_image_sources():
    data = load_dataset("shortcut_biased", 6)
    assert data.sources[4] == "dataset:shortcut_biased:4"
    assert np.array_equal(image_from_source(data.sources[4]), data.items[4])
    assert np.array_equal(data.items, to_uint8(shortcut_dataset("biased", 6, 0)[0]))
    assert set(data.attributes) == {"background", "watermark"}


@pytest.mark.parametrize("name, biased, swapped", [("shortcut_cnn", 0.9, 0.2),
                                                     ("shortcut_vit", 0.9, 0.2),
                                                     ("robust_cnn", 0.85, 0.85)])
def test_models_learned_what_they_should(zoo, name, biased, swapped):
    """On held-out images: the shortcut models fail when the background is swapped."""
    model = zoo(name)
    accuracy = {}
    for split in ("biased", "swapped"):
        images, labels, _, _ = shortcut_dataset(split, 200, seed=7)
        predicted = model.logits(torch.from_numpy(images)).argmax(1).numpy()
        accuracy[split] = (predicted == labels).mean()
    assert accuracy["biased"] >= biased
    if name == "robust_cnn":
        assert accuracy["swapped"] >= swapped
    else:
        assert accuracy["swapped"] <= swapped


@pytest.mark.parametrize("method", ["vit_attention", "vit_rollout"])
def test_vit_attention_maps_over_the_image(zoo, method):
    model = zoo("shortcut_vit")
    image = torch.from_numpy(shortcut_dataset("biased", 1, 0)[0][0])
    result = explain(model, method, image)
    assert result.scores.shape == (64, 64) and (result.scores >= 0).all()
    key = "attentions" if method == "vit_attention" else "rollout"
    weights = result.extras[key]
    assert weights.shape[-1] == 64  # 8 x 8 patches
    np.testing.assert_allclose(weights.sum(-1), 1, atol=1e-4)  # rows are distributions
    assert_untouched(model.module)


def test_vit_attention_picks_layer_and_head(zoo):
    model = zoo("shortcut_vit")
    image = torch.from_numpy(shortcut_dataset("biased", 1, 0)[0][0])
    mean = explain(model, "vit_attention", image, layer=0, head=-1).scores
    heads = [explain(model, "vit_attention", image, layer=0, head=h).scores for h in range(4)]
    np.testing.assert_allclose(np.mean(heads, 0), mean, atol=1e-5)
    with pytest.raises(ValueError, match="head"):
        explain(model, "vit_attention", image, head=9)


def test_image_page_draws_attention_per_layer_and_head():
    from tests.test_app import run_image_page

    app = run_image_page(image_model="shortcut_vit", image_methods=["vit_attention"],
                         image_faithfulness=False)
    assert not app.exception, app.exception
    assert any(h.value == "Attention per layer and head" for h in app.subheader)


def test_vit_rollout_from_threads_matches_sequential_runs(zoo):
    from concurrent.futures import ThreadPoolExecutor

    from tests.helpers import on_one_torch_thread

    model = zoo("shortcut_vit")
    images = torch.from_numpy(shortcut_dataset("neutral", 4, 0)[0])
    run = on_one_torch_thread(lambda x: explain(model, "vit_rollout", x).scores)
    sequential = [run(x) for x in images]
    with ThreadPoolExecutor(max_workers=4) as pool:
        concurrent = list(pool.map(run, list(images) * 2))
    for i, scores in enumerate(concurrent):
        np.testing.assert_allclose(scores, sequential[i % 4], atol=1e-6)
    assert_untouched(model.module)

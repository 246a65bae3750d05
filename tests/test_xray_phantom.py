"""The phantom generator and the synthetic teaching model, on a seed used neither in
training (0) nor in its held-out check (1) nor by the localisation benchmark (2)."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from explainers import explain
from explainers.metrics.localisation import localisation_scores
from inputs.image_io import to_tensor
from inputs.phantoms import phantom_batch, phantom_case, to_rgb8
from model_zoo.xray_phantom import WEIGHTS_FILE

SEED, CASES = 3, 48


def test_phantoms_are_deterministic_with_exact_masks():
    a, b = phantom_case(5, 11), phantom_case(5, 11)
    assert np.array_equal(a.image, b.image) and a.label == b.label
    images, labels, masks = phantom_batch(SEED, 40)
    assert images.dtype == np.float32 and 0 <= images.min() and images.max() <= 1
    assert 0.3 < labels.mean() < 0.7
    assert all(masks[i].any() == bool(labels[i]) for i in range(40))
    assert all(0.001 < masks[i].mean() < 0.1 for i in range(40) if labels[i])


def test_weights_are_small():
    assert WEIGHTS_FILE.stat().st_size <= 10 * 2 ** 20


@pytest.fixture(scope="module")
def cases():
    return [phantom_case(SEED, i) for i in range(CASES)]


def test_teaching_model_tells_lesions_apart_on_an_unseen_seed(zoo, cases):
    model = zoo("xray_phantom_cnn")
    x = torch.stack([to_tensor(to_rgb8(c.image)) for c in cases])
    with torch.inference_mode():
        predicted = model.module(x).argmax(-1).numpy()
    accuracy = (predicted == np.array([c.label for c in cases])).mean()
    assert accuracy >= 0.75, accuracy


def test_gradcam_lands_on_the_lesion_more_than_chance(zoo, cases):
    model = zoo("xray_phantom_cnn")
    lesions = [c for c in cases if c.label][:12]
    energy, area = [], []
    for case in lesions:
        result = explain(model, "gradcam", to_tensor(to_rgb8(case.image)), target=1)
        energy.append(localisation_scores(result.scores, case.mask).energy_pointing_game)
        area.append(case.mask.mean())
    assert np.mean(energy) > 2 * np.mean(area), (np.mean(energy), np.mean(area))

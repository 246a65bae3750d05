"""Layer probing on a tiny model where we know which layer still holds which property."""
from __future__ import annotations

import numpy as np
import torch
from torch import nn

from explainers.global_views.probing import probe_layers
from inputs.datasets import Dataset
from model_zoo.classifier import ImageClassifier, freeze
from tests.helpers import hook_count


def one_by_one(weights: list[list[float]]) -> nn.Conv2d:
    conv = nn.Conv2d(3, len(weights), 1, bias=False)
    conv.weight.data = torch.tensor(weights, dtype=torch.float32)[:, :, None, None]
    return conv


def colour_model() -> ImageClassifier:
    """Layer 0 passes red and green; layer 1 keeps green only; the head reads green."""
    module = freeze(nn.Sequential(one_by_one([[1, 0, 0], [0, 1, 0]]),
                                  nn.Sequential(nn.Conv2d(2, 1, 1, bias=False)),
                                  nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(1, 2)))
    module[1][0].weight.data = torch.tensor([[0.0, 1.0]])[:, :, None, None]
    module[4].weight.data, module[4].bias.data = torch.tensor([[-4.0], [4.0]]), torch.tensor([2.0, -2.0])
    return ImageClassifier("colours", module, ("dull", "green"), (8, 8),
                           lambda m: [m[0], m[1]])


def colour_data(n: int = 120, seed: int = 0) -> Dataset:
    rng = np.random.default_rng(seed)
    red, green = rng.integers(0, 2, n), rng.integers(0, 2, n)
    images = np.zeros((n, 8, 8, 3), np.uint8)
    images[..., 0] = (60 + 150 * red + rng.integers(0, 40, n))[:, None, None]
    images[..., 1] = (60 + 150 * green + rng.integers(0, 40, n))[:, None, None]
    return Dataset("colours", "image", images, green, ("dull", "green"),
                   {"red": (("no", "yes"), red)})


def test_a_property_the_second_layer_drops_is_read_at_the_first_only():
    model = colour_model()
    report = probe_layers(model, colour_data(), "red", seeds=(0, 1, 2))
    first, second, logits = report.layers
    assert [p.layer for p in report.layers] == ["0", "1", "logits"]
    assert first.mean > 0.95 and first.interval()[0] > report.chance
    assert second.mean < report.chance + 0.15  # green alone says nothing of red
    assert hook_count(model.module) == 0


def test_the_class_stays_readable_to_the_logits():
    report = probe_layers(colour_model(), colour_data(), "class", seeds=(0, 1))
    assert all(p.mean > 0.95 for p in report.layers)
    d = report.as_dict()
    assert d["chance"] <= 0.6 and len(d["layers"][0]["seeds"]) == 2

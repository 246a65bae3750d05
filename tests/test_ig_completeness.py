"""IG complete by default (issue 30): at the registered defaults the gap is within 1 % of
the logit change from the baseline the run used (blurred), measured as the bench does."""
from __future__ import annotations

import pytest
import torch
from torch import nn

from explainers.image.integrated_gradients import DEFAULT_BASELINE, baseline_image
from explainers.metrics.completeness import ig_gap, logit_change
from model_zoo.classifier import ImageClassifier


def tiny_cnn() -> ImageClassifier:
    torch.manual_seed(0)
    net = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.Conv2d(8, 8, 3, stride=2),
                        nn.Softplus(beta=4), nn.AdaptiveAvgPool2d(2), nn.Flatten(),
                        nn.Linear(32, 3))
    return ImageClassifier(name="tiny", module=net.eval(), labels=("a", "b", "c"),
                           input_size=(24, 24), target_layers=lambda m: [m[2]])


def test_default_ig_gap_is_within_one_percent_of_the_change_from_its_own_baseline():
    model = tiny_cnn()
    x = torch.rand(3, 24, 24, generator=torch.Generator().manual_seed(1))
    gap = ig_gap(model, x, 2)
    assert DEFAULT_BASELINE == "blurred" and gap.share < 0.01
    with torch.no_grad():
        ends = model.module(torch.stack([x, baseline_image(x[None], "blurred")[0]]))
    assert gap.change == pytest.approx(float(ends[0, 2] - ends[1, 2]), rel=1e-5)
    assert gap.change != pytest.approx(logit_change(model, x, 2, "black"), rel=1e-3)


def test_fixed_steps_report_their_own_count():
    model = tiny_cnn()
    x = torch.rand(3, 24, 24, generator=torch.Generator().manual_seed(2))
    gap = ig_gap(model, x, 0, steps=4, adaptive=False)
    assert gap.steps == 4 and gap.share >= 0 and gap.seconds > 0

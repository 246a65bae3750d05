"""Two faithfulness families against smoothness-matched nulls, on a linear toy with a known
answer: the true contribution map beats random in both; a shuffled copy does not."""
from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from explainers.metrics import schema
from explainers.metrics.matched_null import matched_maps, native_cell, permuted_copy
from explainers.metrics.road_verdict import Verdict
from explainers.metrics.two_families import (DISAGREE, combined, two_families,
                                             two_families_payload)
from model_zoo.classifier import ImageClassifier

SIZE = 64
WEIGHTS = ((0, 0, 3.0), (1, 2, 2.0), (3, 1, 1.0))  # (row, col) of a 16-px square, weight


def checker() -> torch.Tensor:
    yy, xx = torch.meshgrid(torch.arange(SIZE), torch.arange(SIZE), indexing="ij")
    return ((yy + xx) % 2 * 2 - 1).float()  # +1 / -1 per pixel


def weight_map() -> torch.Tensor:
    w = torch.zeros(SIZE, SIZE)
    for r, c, a in WEIGHTS:
        w[16 * r:16 * r + 16, 16 * c:16 * c + 16] = a
    return w


class CheckerEvidence(nn.Module):
    """Linear: class 1's logit is sum w (x - 0.5) with w = weight x checker, so only a fine
    checker pattern inside the weighted squares counts; removal (imputing or blurring)
    replaces it by its mean, 0.5."""

    def __init__(self) -> None:
        super().__init__()
        self.register_buffer("w", weight_map() * checker())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        logit = ((x - 0.5) * self.w).sum((1, 2, 3)) / (SIZE * SIZE) * 12 - 2
        return torch.stack([torch.zeros_like(logit), logit], 1)


def toy() -> tuple[ImageClassifier, torch.Tensor, np.ndarray]:
    model = ImageClassifier(name="toy", module=CheckerEvidence(), labels=("a", "b"),
                            input_size=(SIZE, SIZE), target_layers=lambda m: [])
    x = (0.5 + 0.4 * checker() * (weight_map() > 0))[None].repeat(3, 1, 1)
    truth = (3 * (x - 0.5) * model.module.w).sum(0).numpy()  # the exact contribution per pixel
    return model, x, truth


def test_native_cell_of_coarse_and_fine_maps():
    coarse = torch.rand(1, 1, 7, 7, generator=torch.Generator().manual_seed(0))
    up = F.interpolate(coarse, size=(224, 224), mode="bilinear", align_corners=False)[0, 0]
    assert native_cell(up.numpy()) == 32
    assert native_cell(np.random.default_rng(0).random((224, 224))) == 4
    assert native_cell(np.ones((12, 12))) == 8 and native_cell(np.ones((6, 6))) == 4
    assert permuted_copy(np.ones((12, 12)), 8, np.random.default_rng(0)).shape == (12, 12)


def test_surrogates_keep_values_and_reverse_with_the_map():
    grid = np.random.default_rng(1).random((64, 64)).astype(np.float32)
    a = permuted_copy(grid, 16, np.random.default_rng(3))
    b = permuted_copy(-grid, 16, np.random.default_rng(3))
    assert np.allclose(a, -b, atol=1e-6)  # a surrogate's reverse is the negated map's
    shifted = matched_maps(grid, 2, kinds=("shifted",))
    assert all(np.array_equal(np.sort(s.ravel()), np.sort(grid.ravel())) for s in shifted)
    mixed = matched_maps(grid, 4, kinds=("permuted", "shifted"))
    assert np.array_equal(matched_maps(grid, 2)[1], mixed[2])  # the default: permuted only
    assert np.array_equal(mixed[1], shifted[0]) and np.array_equal(mixed[3], shifted[1])
    with pytest.raises(ValueError, match="null kinds"):
        matched_maps(grid, 2, kinds=("phase",))


def test_true_contribution_of_a_linear_model_beats_random_in_both_families():
    model, x, truth = toy()
    assert float(model.module(x[None])[0, 1]) == pytest.approx(3 * 0.4 * 6 / 16 * 12 - 2,
                                                               rel=1e-4)
    report = two_families(model, x, truth, 1)
    assert report.road_verdict.outcome == "beats random"
    assert report.region_verdict.outcome == "beats random"
    assert report.verdict.outcome == "beats random" and report.verdict.text.startswith("Faithful")


def test_a_shuffled_map_does_not_beat_random():
    model, x, truth = toy()
    shuffled = np.random.default_rng(0).permutation(truth.ravel()).reshape(truth.shape)
    report = two_families(model, x, shuffled, 1)
    assert report.verdict.outcome != "beats random"
    assert report.road_verdict.outcome != "beats random"


def test_words_need_both_families_and_payload_uses_the_schema():
    yes, unsure = Verdict("beats random", ""), Verdict("cannot tell", "")
    assert combined(yes, yes).outcome == "beats random"
    assert combined(yes, unsure).outcome == DISAGREE
    assert "disagree" in combined(unsure, yes).text
    model, x, truth = toy()
    payload = two_families_payload(two_families(model, x, truth, 1, maps=2))
    for key in (schema.REGION_GAP, schema.REGION_VERDICT, schema.FAITHFULNESS_VERDICT,
                schema.ROAD_VERDICT, schema.RANDOM_REGION_GAP_SPREAD, schema.NULL_KIND):
        assert key in payload and schema.label(key) in schema.LABELS.values()
    assert payload[schema.RANDOM_REGION_GAP] == pytest.approx(0.0)

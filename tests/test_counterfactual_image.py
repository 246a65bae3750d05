"""Image counterfactuals: a chosen 3 becomes an 8 through the digit generator; a regularised
perturbation flips a tiny model by changing only the pixels it reads; a search that cannot
flip says so with the best it found."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from explainers.counterfactual.perturbation import perturbation_counterfactual, total_variation
from inputs.mnist import bundled_digits, digit_sample

CHOSEN_THREE = 18  # the image page's sample "MNIST digit 3 (test #18)"
LABELS = ("0", "1", "2", "3", "4", "5", "6", "7", "8", "9")


def digit_model():
    from model_zoo import load_model

    return load_model("digit_cnn")


def test_a_chosen_three_becomes_an_eight_the_model_calls_eight():
    from model_zoo.classifier import probabilities
    from workflows.counterfactuals import digit_counterfactual

    model = digit_model()
    original = digit_sample(str(CHOSEN_THREE))
    result = digit_counterfactual(model, original, target=8)
    assert result.original_probs.argmax() == 3 and result.flipped
    checked = probabilities(model, torch.from_numpy(result.counterfactual).permute(2, 0, 1).float())
    assert checked.argmax() == 8 and checked[8] >= 0.9       # the model itself, re-asked
    np.testing.assert_allclose(result.counterfactual - result.original, result.difference)
    images, labels = bundled_digits()                        # closer than any real 8 would be
    eights = images[labels == 8].astype(np.float64) / 255
    assert result.distance < np.abs(eights - result.original[..., 0]).mean(axis=(1, 2)).min()
    assert "8" in result.verdict(LABELS) and result.extras["generator"]


def test_a_latent_search_that_cannot_flip_says_so_with_the_best_found():
    from workflows.counterfactuals import digit_counterfactual

    result = digit_counterfactual(digit_model(), digit_sample(str(CHOSEN_THREE)), 8, steps=2)
    assert not result.flipped and result.steps == 2
    assert result.verdict(LABELS).startswith("no counterfactual for 8")
    assert result.counterfactual_probs[8] >= result.extras["reconstruction_probs"][8]


def test_models_without_a_generator_are_refused():
    from model_zoo import load_model
    from workflows.counterfactuals import digit_counterfactual

    with pytest.raises(ValueError, match="no generator ships for model 'shortcut_cnn'"):
        digit_counterfactual(load_model("shortcut_cnn"), np.zeros((64, 64, 3), np.uint8), 1)


class LeftRed(nn.Module):
    """Class 1 when the left half's red mean passes 0.5; blind to everything else."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        score = 20 * (x[:, 0, :, : x.shape[-1] // 2].mean(dim=(1, 2)) - 0.5)
        return torch.stack([torch.zeros_like(score), score], dim=1)


def test_the_perturbation_changes_only_what_the_model_reads():
    image = torch.full((1, 3, 16, 16), 0.3)
    before = image.clone()
    result = perturbation_counterfactual(LeftRed(), image, 1, grid=8, steps=400, lr=0.02)
    assert result.original_probs.argmax() == 0 and result.flipped
    assert result.counterfactual_probs[1] >= 0.9
    change = np.abs(result.difference)
    red_left = change[:, :7, 0].mean()                       # away from the seam's blur
    assert red_left > 0.2
    assert change[:, 10:, :].max() < 0.01 and change[..., 1:].max() < 0.01
    assert torch.equal(image, before)                        # the input is not mutated


def test_the_perturbation_reports_failure_with_the_best_found():
    image = torch.full((1, 3, 16, 16), 0.3)
    result = perturbation_counterfactual(LeftRed(), image, 1, grid=8, steps=3)
    assert not result.flipped
    assert result.counterfactual_probs[1] > result.original_probs[1]


def test_total_variation_of_a_step_edge():
    x = torch.zeros(1, 1, 4, 4)
    x[..., 2:] = 1.0
    assert float(total_variation(x)) == pytest.approx(1 / 3)   # 4 of 12 column pairs differ


@pytest.mark.slow
def test_cli_turns_the_chosen_three_into_an_eight_and_refuses_bad_input(tmp_path):
    import json

    from PIL import Image

    from tests.test_cli import cli

    out = tmp_path / "strip.png"
    run = cli("counterfactual", "--model", "digit_cnn", "--input", f"digit:{CHOSEN_THREE}",
              "--to", "8", "--out", str(out), "--json")
    assert run.returncode == 0, run.stderr
    payload = json.loads(run.stdout)
    assert payload["method"] == "latent" and payload["flipped"]
    assert max(payload["counterfactual_probabilities"], key=payload[
        "counterfactual_probabilities"].get) == "8"
    assert Image.open(out).size == (3 * 224, 224)            # original | counterfactual | diff
    bad = cli("counterfactual", "--model", "digit_cnn", "--input", "digit:99999", "--to", "8")
    assert bad.returncode == 2 and "no bundled digit" in bad.stderr
    pixels = cli("counterfactual", "--model", "shortcut_cnn", "--input", "biased:2", "--to",
                 "cross", "--how", "latent")
    assert pixels.returncode == 2 and "no generator ships" in pixels.stderr

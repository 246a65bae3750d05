"""Training-data attribution: flipped labels show up as top opponents, the gradient cache is
checksummed, hooks are removed, and models without training data are refused."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from explainers.influence.cache import cached_grads
from explainers.influence.tracin import last_layer_grads, rank
from explainers.influence.training_data import (SHORTCUT_TRAIN_SEED, NoTrainingData,
                                                training_set)
from tests.helpers import hook_count

FLIPPED = [0, 1, 2]  # the prototype-P images, all class 0, whose labels get flipped


def colour_images(n: int, colour: tuple[float, float, float], seed: int) -> torch.Tensor:
    noise = torch.rand(n, 3, 4, 4, generator=torch.Generator().manual_seed(seed)) * 0.2
    return torch.tensor(colour).view(1, 3, 1, 1) * 0.8 + noise


def dataset() -> tuple[torch.Tensor, torch.Tensor]:
    """3 purple images (prototype P), 40 red (class 0), 40 green (class 1)."""
    x = torch.cat([colour_images(3, (1, 0, 1), 1), colour_images(40, (1, 0, 0), 2),
                   colour_images(40, (0, 1, 0), 3)])
    return x, torch.tensor([0] * 43 + [1] * 40)


def trained(x: torch.Tensor, y: torch.Tensor) -> nn.Module:
    torch.manual_seed(0)
    net = nn.Sequential(nn.Flatten(), nn.Linear(48, 16), nn.ReLU(), nn.Linear(16, 2))
    opt = torch.optim.Adam(net.parameters(), lr=0.02)
    for _ in range(300):
        opt.zero_grad()
        nn.functional.cross_entropy(net(x), y).backward()
        opt.step()
    return net.eval()


def test_flipped_training_labels_are_the_top_opponents_of_similar_test_inputs():
    x, y = dataset()
    flipped = y.clone()
    flipped[FLIPPED] = 1
    net = trained(x, flipped)
    grads = last_layer_grads(net, x, flipped)
    tests = colour_images(4, (1, 0, 1), 9)  # purple test images, true class 0
    for image in tests:
        test = last_layer_grads(net, image[None], torch.tensor([0]))
        ranked = rank(grads.scores(test), k=5)
        assert {i for i, _ in ranked.opponents[:3]} == set(FLIPPED)
        assert not {i for i, _ in ranked.proponents} & set(FLIPPED)
    clean = trained(x, y)  # correctly labelled, the same images support class 0
    test = last_layer_grads(clean, tests[:1], torch.tensor([0]))
    assert (last_layer_grads(clean, x, y).scores(test)[FLIPPED] > 0).all()
    assert hook_count(net) == 0 and hook_count(clean) == 0


def test_scores_are_the_dot_product_of_full_last_layer_gradients():
    x, y = dataset()
    net = trained(x, y)
    grads = last_layer_grads(net, x[:5], y[:5])
    test = last_layer_grads(net, x[40:41], torch.tensor([1]))

    def flat_grad(image, label):
        net.zero_grad()
        nn.functional.cross_entropy(net(image[None]), torch.tensor([label])).backward()
        return torch.cat([net[3].weight.grad.flatten(), net[3].bias.grad])

    want = torch.stack([flat_grad(x[i], int(y[i])) for i in range(5)]) @ flat_grad(x[40], 1)
    np.testing.assert_allclose(grads.scores(test, cosine=False), want.numpy(), rtol=1e-4, atol=1e-6)


def test_a_corrupt_cache_is_rebuilt_not_trusted(tmp_path):
    x, y = dataset()
    net = trained(x, y)
    calls = []

    def compute():
        calls.append(1)
        return last_layer_grads(net, x, y)

    first, hit = cached_grads("tiny", compute, tmp_path)
    assert not hit and len(calls) == 1
    again, hit = cached_grads("tiny", compute, tmp_path)
    assert hit and len(calls) == 1 and np.array_equal(again.features, first.features)
    data = bytearray((tmp_path / "tiny.npz").read_bytes())
    data[len(data) // 2] ^= 0xFF
    (tmp_path / "tiny.npz").write_bytes(bytes(data))
    rebuilt, hit = cached_grads("tiny", compute, tmp_path)
    assert not hit and len(calls) == 2 and np.array_equal(rebuilt.errors, first.errors)


def test_models_without_training_data_are_refused():
    with pytest.raises(NoTrainingData, match="not available for mobilenet_v2"):
        training_set("mobilenet_v2")


def test_training_seed_matches_the_training_script():
    import runpy
    from pathlib import Path

    script = runpy.run_path(str(Path(__file__).parents[1] / "scripts/train_shortcut_models.py"),
                            run_name="not_main")
    assert script["TRAIN_SEED"] == SHORTCUT_TRAIN_SEED
    recipes = {n: (r.split, r.images) for n, r in script["RECIPES"].items()}
    from explainers.influence.training_data import SHORTCUT_RECIPES
    assert recipes == SHORTCUT_RECIPES


@pytest.mark.slow
def test_cli_names_the_shortcut_background_for_shortcut_cnn_only():
    import json

    from tests.test_cli import cli

    found = {}
    for model in ("shortcut_cnn", "robust_cnn"):
        run = cli("influence", "--model", model, "--json")
        assert run.returncode == 0, run.stderr
        payload = json.loads(run.stdout)
        assert len(payload["proponents"]) == 10 and payload["class"] == "triangle"
        assert all(row["background"] in ("meadow", "dunes") for row in payload["proponents"])
        found[model] = payload["shortcut"], payload["summary"]
    assert found["shortcut_cnn"][0] == "meadow" and "meadow" in found["shortcut_cnn"][1]
    assert found["robust_cnn"][0] is None and "no background shortcut" in found["robust_cnn"][1]
    refused = cli("influence", "--model", "mobilenet_v2")
    assert refused.returncode == 2 and "not available" in refused.stderr

"""Activation maximisation: the objective rises, a gallery equals separate runs, seeds hold."""
from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from torch import nn

from explainers.global_views import actmax as am
from explainers.global_views import objectives as obj
from explainers.global_views.parameterisation import FourierImage, PixelImage, colour_sqrt
from explainers.global_views.transforms import total_variation
from model_zoo.classifier import ImageClassifier, freeze
from tests.helpers import assert_untouched


def tiny_conv_model() -> ImageClassifier:
    """Two seeded random conv layers, a pooled linear head: 3 classes at 32x32."""
    torch.manual_seed(0)
    net = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.ReLU(), nn.Conv2d(4, 6, 3, padding=1),
                        nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(6, 3))
    with torch.no_grad():
        for layer in (net[0], net[2]):
            layer.weight.mul_(10)  # strong enough that 40 steps move the objective clearly
    return ImageClassifier(name="tiny:conv", module=freeze(net), labels=("a", "b", "c"),
                           input_size=(32, 32), target_layers=lambda m: [m[0], m[2]])


@pytest.fixture(scope="module")
def tiny() -> ImageClassifier:
    return tiny_conv_model()


@pytest.mark.slow
@pytest.mark.parametrize("name", [p for p in am.PRESETS if p != "generator"])  # needs a model with a generator: tests/test_digits*
@pytest.mark.parametrize("objective", [obj.channel("2", 1), obj.unit("2", 3), obj.class_logit(2)])
def test_objective_rises_for_every_preset(tiny, name, objective):
    result = am.maximise(tiny, objective, am.preset(name, steps=40))
    assert result.curve.shape == (40, 1)
    assert result.curve[-5:].mean() > result.curve[:5].mean() + 0.1
    assert result.images.shape == (1, 32, 32, 3) and result.images.dtype == np.uint8
    assert_untouched(tiny.module)


@pytest.mark.slow
def test_objective_rises_on_mobilenet_and_leaves_it_untouched(zoo):
    model = zoo("mobilenet_v2")
    result = am.maximise(model, obj.channel("1.features.6", 5), am.preset("fourier", steps=12, size=64))
    assert result.curve[-1, 0] > result.curve[0, 0] + 0.5
    assert_untouched(model.module)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["regularised", "fourier"])
def test_gallery_equals_separate_runs_for_the_same_seed(tiny, name):
    settings = am.preset(name, steps=25, seed=3)
    gallery = am.maximise(tiny, obj.channel("2", 0, 4, 5), settings)
    for i, c in enumerate((0, 4, 5)):
        alone = am.maximise(tiny, obj.channel("2", c), settings)
        np.testing.assert_allclose(gallery.curve[:, i], alone.curve[:, 0], rtol=1e-4, atol=1e-5)
        assert np.abs(gallery.images[i].astype(int) - alone.images[0]).max() <= 1


def test_seed_reproduces_and_another_seed_differs(tiny):
    one = am.maximise(tiny, obj.channel("0", 2), am.preset("fourier", steps=6, seed=1))
    again = am.maximise(tiny, obj.channel("0", 2), am.preset("fourier", steps=6, seed=1))
    other = am.maximise(tiny, obj.channel("0", 2), am.preset("fourier", steps=6, seed=2))
    assert np.array_equal(one.images, again.images)
    assert not np.array_equal(one.images, other.images)


def test_snapshots_every_k_steps(tiny):
    seen = []
    result = am.maximise(tiny, obj.channel("2", 0, 1), am.preset("raw", steps=12), snapshot_every=4,
                         on_snapshot=lambda step, images: seen.append((step, images.shape)))
    assert seen == [(4, (2, 32, 32, 3)), (8, (2, 32, 32, 3)), (12, (2, 32, 32, 3))]
    assert [s for s, _ in result.snapshots] == [4, 8, 12]


def test_blur_removes_high_frequencies():
    gens = [torch.Generator().manual_seed(0)]
    pixel = PixelImage((32, 32), gens, init_std=1.0)
    before = total_variation(pixel.image()).item()
    pixel.blur_(1.0)
    assert total_variation(pixel.image()).item() < 0.6 * before
    fourier = FourierImage((32, 32), [torch.Generator().manual_seed(0)], init_std=1.0)
    before = total_variation(fourier.image()).item()
    fourier.blur_(1.0)
    assert total_variation(fourier.image()).item() < 0.8 * before


def test_colour_root_factors_the_photos_covariance():
    root = colour_sqrt().double().numpy()
    product = root @ root.T
    from inputs.samples import SAMPLE_IMAGES, sample_image

    pixels = np.concatenate([sample_image(n).reshape(-1, 3) for n in SAMPLE_IMAGES]) / 255.0
    cov = np.cov(pixels, rowvar=False)
    np.testing.assert_allclose(product / product.max(), cov / cov.max(), atol=1e-6)


def test_bad_objectives_give_clear_errors(tiny):
    with pytest.raises(ValueError, match="outside"):
        obj.check_range(obj.channel("2", 6), (6, 32, 32))
    with pytest.raises(ValueError, match="unknown objective"):
        obj.Objective("neuron", "2", (0,))
    with pytest.raises(ValueError, match="unknown preset"):
        am.preset("pretty")


@pytest.mark.slow
def test_cli_actmax_writes_png_and_json(tmp_path):
    from tests.test_cli import cli

    out = tmp_path / "actmax.png"
    run = cli("actmax", "--model", "mobilenet_v2", "--layer", "1.features.4", "--gallery", "0", "1",
              "--steps", "4", "--size", "48", "--preset", "regularised", "--out", str(out), "--json")
    assert run.returncode == 0, run.stderr
    payload = json.loads(run.stdout)
    assert len(payload["curve"]) == 4 and len(payload["curve"][0]) == 2
    assert payload["objective"] == ["channel 0 of 1.features.4", "channel 1 of 1.features.4"]
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    bad = cli("actmax", "--model", "mobilenet_v2", "--layer", "1.features.4", "--channel", "9999")
    assert bad.returncode == 2 and bad.stderr.startswith("error:") and "outside" in bad.stderr


@pytest.mark.slow
def test_global_bench_suites_report_their_ratios():
    from bench import run_benchmarks

    report = run_benchmarks(quick=True, only=["actmax", "projection"])
    assert report["actmax"]["batched_seconds"] > 0 and report["actmax"]["target"] == 0.5
    assert report["projection"]["throughput_vs_floor"] > 0
    assert {r["method"].split(" ")[0] for r in report["methods"]} == {"actmax", "extraction"}

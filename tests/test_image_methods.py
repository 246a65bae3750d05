"""The CAM family, the gradient family and LRP: known answers on tiny models, and
properties (shapes, no side effects, limits that reduce to other methods, sanity)."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from explainers import IncompatibleError, explain, explainer_entry
from explainers.image.cam import layer_activations
from explainers.image.integrated_gradients import baseline_image
from explainers.progress import reporting
from explainers.metrics.rank import spearman
from explainers.run import to_image_grid
from tests.helpers import assert_untouched, hook_count, on_one_torch_thread
from tests.image_method_models import conv_model, models, red_and_green
from tests.tiny_models import tiny_image_model

CAMS = ["gradcam_pp", "layercam", "scorecam"]
GRADIENTS = ["smoothgrad", "grad_x_input", "guided_backprop"]
OURS = CAMS + ["eigencam", "guided_gradcam", *GRADIENTS, "lrp_epsilon", "lrp_zplus"]


def quick(method: str, model) -> dict:
    """The registry's cheap settings for this method on this model."""
    return explainer_entry(method).quick_for(model)


@pytest.fixture(scope="module")
def tiny():
    return models()


def share(scores: np.ndarray, rows: slice, cols: slice) -> float:
    weights = np.abs(scores)
    return float(weights[rows, cols].sum() / weights.sum())


@pytest.mark.parametrize("method", [*CAMS, "gradcam"])
@pytest.mark.parametrize("target, quarter", [(0, slice(0, 16)), (1, slice(16, 32))])
def test_cams_sit_on_the_class_colour(tiny, method, target, quarter):
    scores = explain(tiny["colour"], method, red_and_green(), target=target,
                     **quick(method, tiny["colour"])).scores
    assert share(scores, quarter, quarter) > 0.9


def test_eigencam_follows_the_dominant_activation_for_any_class(tiny):
    image = red_and_green(red=1.0, green=0.3)
    maps = [explain(tiny["colour"], "eigencam", image, target=t).scores for t in (0, 1)]
    assert np.array_equal(maps[0], maps[1])
    assert share(maps[0], slice(0, 16), slice(0, 16)) > 0.9


@pytest.mark.parametrize("method", ["layercam", "guided_gradcam", *GRADIENTS])
def test_maps_concentrate_where_the_quadrant_model_looks(tiny, method):
    image = torch.rand(3, 32, 32, generator=torch.Generator().manual_seed(1))
    scores = explain(tiny["quadrant"], method, image, target=0,
                     **quick(method, tiny["quadrant"])).scores
    bleed = 0.05 if method == "layercam" else 0.01  # a 16x16 map upsampled: the edge blurs
    assert share(scores, slice(0, 16), slice(0, 16)) > 1 - bleed


@pytest.mark.parametrize("baseline", ["black", "blurred", "noise"])
def test_integrated_gradients_baselines_concentrate_and_are_complete(tiny, baseline):
    image = torch.rand(3, 32, 32, generator=torch.Generator().manual_seed(1))
    result = explain(tiny["quadrant"], "integrated_gradients", image, target=0, steps=8,
                     baseline=baseline, adaptive=False)  # the fixed Gauss-Legendre mode
    assert share(result.scores, slice(0, 16), slice(0, 16)) > 0.99
    assert abs(result.delta) < 1e-4
    adaptive = explain(tiny["quadrant"], "integrated_gradients", image, target=0, steps=8,
                       baseline=baseline)  # the default: trapezoid, doubled until < 1 %
    assert adaptive.extras["gap_share"] < 0.01 and adaptive.extras["steps_used"] >= 8
    assert share(adaptive.scores, slice(0, 16), slice(0, 16)) > 0.99


def test_blurred_baseline_is_a_smooth_version_of_the_image():
    image = torch.rand(1, 3, 64, 64, generator=torch.Generator().manual_seed(0))
    blurred = baseline_image(image, "blurred")
    assert blurred.shape == image.shape
    assert blurred.mean().item() == pytest.approx(image.mean().item(), abs=0.01)
    assert blurred.std() < 0.3 * image.std()
    flat = torch.full((1, 3, 20, 20), 0.4)
    assert torch.allclose(baseline_image(flat, "blurred"), flat, atol=1e-6)
    assert explainer_entry("integrated_gradients").choices["baseline"] == (
        "black", "blurred", "noise", "white")


@pytest.mark.parametrize("method", ["lrp_epsilon", "lrp_zplus"])
def test_lrp_relevance_stays_where_the_model_reads(tiny, method):
    image = torch.rand(3, 16, 16, generator=torch.Generator().manual_seed(3))
    scores = explain(tiny["quadrant_conv"], method, image, target=0).scores
    assert share(scores, slice(0, 8), slice(0, 8)) > 0.999


@pytest.mark.parametrize("method", CAMS + ["eigencam"])
def test_cam_maps_have_the_layer_grid(tiny, method):
    model = tiny["colour"]
    x = model.preprocess(red_and_green())
    out = explainer_entry(method).fn(model, x, 0, **{"layer": -1, **quick(method, model)})
    activations, _ = layer_activations(model, x, 0, -1, gradient=False)
    assert out.scores.shape == activations.shape[-2:] == (16, 16)
    assert (out.scores >= 0).all()
    with pytest.raises(ValueError, match="layer 5 is outside"):
        explain(model, method, red_and_green(), target=0, layer=5)


@pytest.mark.parametrize("method", OURS)
def test_no_hooks_left_and_input_untouched(method):
    model = conv_model(0)
    image = torch.rand(3, 20, 20, generator=torch.Generator().manual_seed(4))
    before = image.clone()
    result = explain(model, method, image, target=1, **quick(method, model))
    assert result.scores.shape == (20, 20) and np.isfinite(result.scores).all()
    assert torch.equal(image, before)
    assert_untouched(model.module) and hook_count(model.module) == 0


@pytest.mark.parametrize("method", OURS)
def test_randomised_weights_change_the_map(method):
    """Adebayo et al. 2018: a map that survives re-drawn weights does not explain the model."""
    image = torch.rand(3, 16, 16, generator=torch.Generator().manual_seed(5))
    maps = [explain(conv_model(seed), method, image, target=0,
                    **quick(method, conv_model(seed))).scores for seed in (0, 1)]
    assert not np.allclose(maps[0], maps[1], rtol=0.05, atol=1e-6 * np.abs(maps[0]).max())
    assert spearman(maps[0].ravel(), maps[1].ravel()) < 0.9


def test_smoothgrad_without_noise_is_saliency(tiny):
    image = torch.rand(3, 32, 32, generator=torch.Generator().manual_seed(6))
    model = conv_model(2)
    smooth = explain(model, "smoothgrad", image, target=2, noise=0.0, samples=3).scores
    plain = explain(model, "saliency", image, target=2).scores
    assert np.allclose(smooth, plain, rtol=1e-5, atol=1e-7)


def test_smoothgrad_reports_progress_and_averages_noise():
    model = conv_model(2)
    image = torch.rand(3, 16, 16, generator=torch.Generator().manual_seed(6))
    fractions = []
    with reporting(lambda f, _t: fractions.append(f)):
        noisy = explain(model, "smoothgrad", image, target=2, samples=10, batch=4).scores
    assert fractions == [0.4, 0.8, 1.0]
    assert not np.allclose(noisy, explain(model, "saliency", image, target=2).scores)


def test_smoothgrad_batch_size_does_not_change_the_samples():
    """One seeded noise stream, split into equal chunks: any batch gives the same map."""
    model = conv_model(2)
    image = torch.rand(3, 16, 16, generator=torch.Generator().manual_seed(8))
    maps = [explain(model, "smoothgrad", image, target=2, samples=25, batch=b).scores
            for b in (25, 16, 7, 1)]
    for other in maps[1:]:
        np.testing.assert_allclose(other, maps[0], rtol=1e-5, atol=1e-7)


def test_gradient_times_input_equals_integrated_gradients_on_a_linear_model():
    torch.manual_seed(7)
    net = nn.Sequential(nn.Flatten(), nn.Linear(3 * 8 * 8, 4))
    model = tiny_image_model(net, (8, 8), 4)
    model = type(model)(**{**model.__dict__, "target_layers": lambda m: []})
    image = torch.rand(3, 8, 8)
    gxi = explain(model, "grad_x_input", image, target=3).scores
    ig = explain(model, "integrated_gradients", image, target=3, steps=4,
                 baseline="black").scores  # grad x input is IG from the black image
    assert np.allclose(gxi, ig, atol=1e-6)


@pytest.mark.slow
def test_guided_gradcam_is_guided_backprop_times_gradcam(zoo, chelsea):
    model = zoo("mobilenet_v2")
    image = model.preprocess(chelsea)[0]  # at the model's size: no resizing in between
    guided = explain(model, "guided_gradcam", image, target=285).scores
    backprop = explain(model, "guided_backprop", image, target=285).scores
    cam = explain(model, "gradcam", image, target=285).scores
    assert np.allclose(guided, backprop * cam, rtol=1e-4, atol=1e-7 * guided.max())
    assert_untouched(model.module)


def test_guided_backprop_handles_relu6_unlike_plain_gradient(zoo, chelsea):
    """MobileNetV2 only has ReLU6: a guided map that equals the gradient would mean the
    rectifiers were missed (as libraries that only swap nn.ReLU do)."""
    model = zoo("mobilenet_v2")
    guided = explain(model, "guided_backprop", chelsea, target=285).scores
    plain = explain(model, "saliency", chelsea, target=285).scores
    assert spearman(guided.ravel(), plain.ravel()) < 0.9


def test_scorecam_reports_progress_and_counts_masked_passes(tiny):
    fractions = []
    with reporting(lambda f, _t: fractions.append(f)):
        result = explain(tiny["colour"], "scorecam", red_and_green(), target=0, batch=1)
    assert fractions == [0.5, 1.0] and result.model_evals == 2 + 1  # 2 masks, 1 probe


def test_lrp_epsilon_conserves_relevance_without_biases():
    """LRP-0 (epsilon -> 0) on a bias-free ReLU net: the input relevance sums to the logit,
    across a residual sum too (Montavon et al. 2019, sec. 10.2)."""
    for residual in (False, True):
        model = conv_model(3, bias=False, norm=False, residual=residual)
        image = torch.rand(3, 16, 16, generator=torch.Generator().manual_seed(8))
        logit = float(model.logits(image)[0, 1])
        result = explain(model, "lrp_epsilon", image, target=1, epsilon=1e-9)
        assert result.scores.sum() == pytest.approx(logit, rel=1e-4, abs=1e-6)


def test_lrp_zplus_is_non_negative_and_conserving_without_biases():
    model = conv_model(3, bias=False, norm=False, residual=True)
    image = torch.rand(3, 16, 16, generator=torch.Generator().manual_seed(9)) - 0.5
    logits = model.logits(image)[0]
    target = int(logits.argmax())
    scores = explain(model, "lrp_zplus", image, target=target).scores
    assert (scores >= 0).all()
    assert scores.sum() == pytest.approx(float(logits[target]), rel=1e-3)


def test_lrp_folds_batch_norm_into_the_convolution():
    """The map of a conv+BN net equals the map of the same net with BN folded by hand."""
    model = conv_model(4, norm=True)
    folded = conv_model(4, norm=True)
    for seq in folded.module.features:
        conv, bn = seq[0], seq[1]
        scale = bn.weight / torch.sqrt(bn.running_var + bn.eps)
        conv.weight.data = conv.weight * scale.view(-1, 1, 1, 1)
        conv.bias.data = (conv.bias - bn.running_mean) * scale + bn.bias
        seq[1] = nn.Identity()
    image = torch.rand(3, 16, 16, generator=torch.Generator().manual_seed(10))
    for method in ("lrp_epsilon", "lrp_zplus"):
        a = explain(model, method, image, target=0).scores
        b = explain(folded, method, image, target=0).scores
        assert np.allclose(a, b, rtol=1e-4, atol=1e-6 * np.abs(a).max()), method


class ChunkNet(nn.Module):
    """Splits channels into a tuple of tensors: a call LRP has no rule for."""

    def __init__(self) -> None:
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(3, 4, 1), nn.ReLU())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        left, right = self.features(x).chunk(2, dim=1)
        return (left.mean((2, 3)) - right.mean((2, 3))).relu()


class TwiceNet(nn.Module):
    """One conv + batch norm applied twice: folding it once would be wrong for the other."""

    def __init__(self) -> None:
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(3, 3, 1), nn.BatchNorm2d(3), nn.ReLU())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.features(self.features(x)).mean((2, 3))


def test_lrp_refuses_layers_its_rules_do_not_cover(tiny):
    chunk = tiny_image_model(ChunkNet(), (16, 16), 2)
    twice = tiny_image_model(TwiceNet(), (16, 16), 3)
    for model in (conv_model(0, activation=nn.SiLU), tiny["colour"], tiny["quadrant"], chunk,
                  twice):
        assert not explainer_entry("lrp_epsilon").is_compatible(model)
        with pytest.raises(IncompatibleError):
            explain(model, "lrp_zplus", torch.rand(3, 16, 16))
    assert explainer_entry("lrp_epsilon").is_compatible(conv_model(0))


@pytest.mark.slow
def test_lrp_covers_the_bundled_mobilenet(zoo, chelsea):
    model = zoo("mobilenet_v2")
    assert explainer_entry("lrp_zplus").is_compatible(model)
    scores = explain(model, "lrp_zplus", chelsea, target=285).scores
    assert (scores >= 0).all() and scores.max() > 0
    assert_untouched(model.module)


@pytest.mark.slow
def test_gradcam_pp_and_layercam_match_pytorch_grad_cam(zoo, chelsea):
    from pytorch_grad_cam import GradCAMPlusPlus, LayerCAM
    from pytorch_grad_cam.utils.model_targets import ClassifierOutputTarget

    from explainers.private_copy import private_copy

    model = zoo("mobilenet_v2")
    x = model.preprocess(chelsea)
    for method, library in (("gradcam_pp", GradCAMPlusPlus), ("layercam", LayerCAM)):
        ours = explainer_entry(method).fn(model, x, 285, layer=-1).scores
        ours = to_image_grid(ours, (224, 224)).numpy()
        scratch = private_copy(model.module)
        with library(model=scratch, target_layers=[model.target_layers(scratch)[-1]]) as cam:
            theirs = cam(input_tensor=x.clone().requires_grad_(True),
                         targets=[ClassifierOutputTarget(285)])[0]
        ours = (ours - ours.min()) / (ours.max() - ours.min())
        assert np.corrcoef(ours.ravel(), theirs.ravel())[0, 1] > 0.99, method


def test_threads_on_one_shared_model_match_sequential_runs(zoo, chelsea, coffee):
    """LRP's torch-function mode and the per-thread CAM copies stay in their own thread:
    mixed methods from 6 threads give the sequential maps."""
    from concurrent.futures import ThreadPoolExecutor

    model = zoo("mobilenet_v2")
    jobs = [("lrp_epsilon", chelsea, 285), ("layercam", coffee, 967), ("saliency", chelsea, 285),
            ("lrp_zplus", coffee, 967), ("guided_backprop", chelsea, 281),
            ("eigencam", coffee, 967), ("gradcam_pp", chelsea, 281), ("grad_x_input", coffee, 967)]

    @on_one_torch_thread
    def run(job):
        return explain(model, job[0], job[1], target=job[2]).scores

    sequential = [run(job) for job in jobs]
    with ThreadPoolExecutor(max_workers=6) as pool:
        concurrent = list(pool.map(run, jobs * 2))
    for i, scores in enumerate(concurrent):
        expected = sequential[i % len(jobs)]
        np.testing.assert_allclose(scores, expected, rtol=1e-4,
                                   atol=1e-5 * float(np.abs(expected).max()))
    assert_untouched(model.module)

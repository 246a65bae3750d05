"""Attacks on interpretation: smoothing, differentiable maps, measures, and a real attack."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from explainers import explain
from explainers.fragility import AttackSettings, fragility
from explainers.fragility.maps import attackable_methods, differentiable_map, to_input_grid
from explainers.fragility.metrics import centre_of_mass, map_change, top_k_intersection
from explainers.fragility.objectives import make_objective, region_mask
from explainers.fragility.smooth import SoftplusReLU6, smoothed_copy
from explainers.private_copy import private_copy
from tests.concept_models import StripeNet
from tests.helpers import assert_untouched
from model_zoo.classifier import ImageClassifier, freeze


@pytest.fixture(scope="module")
def tiny() -> ImageClassifier:
    torch.manual_seed(0)
    net = StripeNet()
    net.block2[1] = nn.ReLU6()  # one of each kind to smooth
    return ImageClassifier(name="tiny:stripes", module=freeze(net), labels=("a", "b"),
                           input_size=(32, 32), target_layers=lambda m: [m.block1, m.block2])


@pytest.fixture(scope="module")
def attacked(zoo, chelsea):
    """Top-k attack on MobileNetV2's Grad-CAM of the bundled cat, with the defences.

    One torch thread: on a busy shared machine two threads waited on each other and the
    attack took several times longer (the dashboard runs one thread per session too).
    """
    torch.set_num_threads(1)
    model = zoo("mobilenet_v2")
    before = {k: v.clone() for k, v in model.module.state_dict().items()}
    report = fragility(model, chelsea, "gradcam", AttackSettings(steps=8))
    return model, before, report


def test_smoothed_copy_swaps_relus_and_shares_weights(tiny):
    smooth = smoothed_copy(tiny.module, beta=1e4)
    assert isinstance(smooth.block1[1], nn.Softplus) and isinstance(smooth.block2[1], SoftplusReLU6)
    assert isinstance(tiny.module.block1[1], nn.ReLU) and isinstance(tiny.module.block2[1], nn.ReLU6)
    assert smooth.block1[0].weight is tiny.module.block1[0].weight
    x = torch.rand(2, 3, 32, 32)
    with torch.no_grad():
        assert torch.allclose(smooth(x), tiny.module(x), atol=1e-3)  # beta -> inf: ReLU again
        assert not torch.allclose(smoothed_copy(tiny.module, 1.0)(x), tiny.module(x), atol=1e-3)
    assert_untouched(tiny.module)


def test_the_attackable_methods_come_from_the_registry():
    assert set(attackable_methods()) == {"saliency", "grad_x_input", "integrated_gradients",
                                         "gradcam"}


@pytest.mark.parametrize("method", attackable_methods())
def test_differentiable_maps_equal_the_registered_methods(tiny, method):
    x = torch.rand(1, 3, 32, 32)
    net = private_copy(tiny.module)
    params = {"steps": 50} if method == "integrated_gradients" else {}
    with torch.enable_grad():
        _, ours = differentiable_map(tiny, method, net, x.clone().requires_grad_(True), 1,
                                     **params)
    ours = to_input_grid(ours, (32, 32)).detach().numpy()
    # the registry's IG adapts its steps and starts from the blurred image by default; the
    # attack's differentiable IG is the classic one, from black, at fixed steps
    fixed = {"adaptive": False, "baseline": "black"} if params else {}
    theirs = explain(tiny, method, x[0], target=1, **params, **fixed).scores
    assert np.allclose(ours, theirs, atol=1e-5 * max(1.0, np.abs(theirs).max()))


def test_differentiable_maps_have_a_gradient_in_the_input(tiny):
    """create_graph: a second derivative through the map reaches the input (the attack's)."""
    net = smoothed_copy(tiny.module, 10.0)
    for method in attackable_methods():
        x = torch.rand(1, 3, 32, 32).requires_grad_(True)
        with torch.enable_grad():
            _, scores = differentiable_map(tiny, method, net, x, 1)
            (grad,) = torch.autograd.grad(scores.pow(2).sum(), x)
        assert grad.abs().sum() > 0, method


def test_map_measures_on_hand_made_maps():
    a = np.zeros((10, 10))
    a[0, :5] = 1
    assert top_k_intersection(a, a, k=5) == 1.0
    b = np.zeros((10, 10))
    b[9, 5:] = 1
    assert top_k_intersection(a, b, k=5) == 0.0
    assert np.allclose(centre_of_mass(a), [0, 2])
    assert np.allclose(centre_of_mass(b), [9, 7])
    change = map_change(a, b, k=5)
    assert change.centre_shift == pytest.approx(np.hypot(9, 5))
    assert region_mask((6, 6), (0, 0, 0.5, 0.5)).sum() == 9
    with pytest.raises(ValueError, match="needs a region"):
        make_objective("target", a)
    with pytest.raises(ValueError, match="unknown attack"):
        make_objective("sideways", a)


def test_objectives_fall_as_the_map_moves():
    a = np.zeros((8, 8))
    a[:2, :2] = 1
    moved = torch.zeros(8, 8)
    moved[6:, 6:] = 1
    start = torch.from_numpy(a).float()
    for kind, region in (("top_k", None), ("centre", None), ("target", (0.5, 0.5, 1, 1))):
        objective = make_objective(kind, a, k=4, region=region)
        assert float(objective(moved)) < float(objective(start)), kind


def test_attack_keeps_the_label_and_moves_the_map(attacked):
    _, _, report = attacked
    assert report.label == report.label_after  # Egyptian cat stays Egyptian cat
    change = report.maps.change
    # measured: Grad-CAM's top-k intersection 1.0 -> 0.0, saliency's 1.0 -> 0.004 (README)
    assert change.top_k_intersection < 0.5, change
    assert change.spearman < 0.7, change
    smoothgrad = report.defences["SmoothGrad"].change
    assert smoothgrad.top_k_intersection > change.top_k_intersection + 0.2


def test_attack_respects_the_budget_and_the_pixel_range(attacked):
    _, _, report = attacked
    diff = report.attacked.astype(int) - report.original.astype(int)
    assert np.abs(diff).max() <= 8 and report.linf <= 8 / 255 + 1e-6
    assert np.abs(diff).max() >= 1  # it did change the image
    assert report.attacked.dtype == np.uint8  # 8-bit: inside [0, 255] by construction


def test_shared_model_untouched_after_the_attack(attacked):
    model, before, _ = attacked
    assert_untouched(model.module)
    for key, value in model.module.state_dict().items():
        assert torch.equal(value, before[key]), key
    assert all(isinstance(m, nn.ReLU6) for m in model.module.modules()
               if isinstance(m, (nn.ReLU6, SoftplusReLU6)))


def test_attack_rejects_bad_settings(tiny):
    from explainers.fragility import attack

    image = torch.rand(3, 32, 32)
    with pytest.raises(ValueError, match="no attack for method"):
        attack(tiny, image, "occlusion")
    with pytest.raises(ValueError, match="epsilon"):
        attack(tiny, image, "saliency", AttackSettings(epsilon=0))


def smoothed_cam(model, beta: float, image: torch.Tensor, label: int) -> np.ndarray:
    from explainers.fragility.attack import quantise

    net = smoothed_copy(model.module, beta)
    x = quantise(model.preprocess(image)).requires_grad_(True)
    with torch.enable_grad():
        _, cam = differentiable_map(model, "gradcam", net, x, label)
    return to_input_grid(cam, tuple(x.shape[-2:])).detach().numpy()


def test_beta_defence_sees_the_image_and_keeps_the_label(zoo, chelsea, coffee):
    """Why the beta = 1 map never moved: MobileNetV2 smoothed that far no longer looks at the
    image (its Grad-CAM is the same for the cat and the coffee cup). The defence now takes
    the smallest beta that keeps the label (30 for the cat), whose map depends on the image."""
    from explainers.fragility.attack import quantise
    from explainers.fragility.defence import defence_beta

    torch.set_num_threads(1)
    model = zoo("mobilenet_v2")
    blind = map_change(smoothed_cam(model, 1.0, chelsea, 285), smoothed_cam(model, 1.0, coffee, 285))
    assert blind.spearman > 0.99  # the same map whatever the image
    beta, kept = defence_beta(model, quantise(model.preprocess(chelsea)), 285)
    assert kept and 1.0 < beta <= 50, beta
    seeing = map_change(smoothed_cam(model, beta, chelsea, 285),
                        smoothed_cam(model, beta, coffee, 285))
    assert seeing.spearman < 0.5, seeing
    assert_untouched(model.module)


def test_report_names_the_defence_beta(attacked):
    _, _, report = attacked
    (name,) = [n for n in report.defences if n.startswith("β-smoothed")]
    assert name == "β-smoothed (β = 30)"  # the cat keeps its label from beta = 30
    pair = report.defences[name]
    assert np.abs(pair.after - pair.before).max() > 1e-3  # recomputed on the attacked image

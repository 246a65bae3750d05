"""DeconvNet and PatternNet / PatternAttribution: known answers on tiny models."""
from __future__ import annotations

import numpy as np
import torch
from torch import nn

from explainers.gradients import target_gradient
from explainers.image.deconvnet import deconv_copy
from explainers.image.patterns import (estimate_patterns, fold_batchnorm, pattern_network,
                                       weighted_layers)
from tests.helpers import hook_count

SIGNAL = torch.tensor([1.0, 0.0])     # a_s: where the signal s shows in x
DISTRACTOR = torch.tensor([1.0, 1.0])  # a_d: where the distractor d shows in x


def signal_and_distractor(n: int = 4000, seed: int = 0) -> torch.Tensor:
    """x = s·a_s + d·a_d (Kindermans et al. 2018, sec. 2): y = wᵀx with w = (1, -1) reads s
    exactly (wᵀa_s = 1) and cancels d (wᵀa_d = 0), so w is not the signal's direction."""
    g = torch.Generator().manual_seed(seed)
    s, d = torch.randn(n, 1, generator=g), 3 * torch.randn(n, 1, generator=g)
    return s * SIGNAL + d * DISTRACTOR


def linear_model() -> nn.Sequential:
    layer = nn.Linear(2, 1, bias=False)
    layer.weight.data = torch.tensor([[1.0, -1.0]])
    return nn.Sequential(layer).eval().requires_grad_(False)


def cosine(a: torch.Tensor, b: torch.Tensor) -> float:
    return float(torch.nn.functional.cosine_similarity(a.flatten(), b.flatten(), dim=0))


def test_patternnet_recovers_the_signal_direction_and_the_gradient_does_not():
    net = linear_model()
    x = signal_and_distractor()
    patterns = estimate_patterns(net, list(x.split(500)), held_out=[signal_and_distractor(2000, 1)])
    probe = torch.randn(1, 2)
    pattern_signal = target_gradient(pattern_network(net, patterns, "net"), probe, 0)
    gradient = target_gradient(net, probe, 0)
    assert cosine(pattern_signal, SIGNAL) > 0.995  # sampling noise only
    assert abs(cosine(gradient, SIGNAL)) < 0.75  # w = (1, -1) is 45° off the signal
    attribution = target_gradient(pattern_network(net, patterns, "attribution"), probe, 0)
    assert torch.allclose(attribution, net[0].weight * patterns.patterns[0], atol=1e-6)
    quality = patterns.quality[0]
    assert quality["rho_pattern"] > 0.95 > quality["rho_filter"]  # eq. 7: S_a beats S_w


def test_two_component_pattern_uses_only_the_active_side():
    """Behind a ReLU only y > 0 reaches the output: S_a+ is estimated there (eq. 5)."""
    first = nn.Linear(2, 1)
    first.weight.data, first.bias.data = torch.tensor([[1.0, -1.0]]), torch.zeros(1)
    net = nn.Sequential(first, nn.ReLU(), nn.Linear(1, 1)).eval().requires_grad_(False)
    x = signal_and_distractor()
    patterns = estimate_patterns(net, [x])
    y = x @ first.weight.T
    active = x[y[:, 0] > 0]
    ya = active @ first.weight.T
    cov = ((active - active.mean(0)) * (ya - ya.mean())).mean(0)
    assert torch.allclose(patterns.patterns[0][0], cov / (first.weight[0] @ cov), atol=1e-4)


def test_pattern_network_keeps_the_forward_and_the_model_untouched():
    net = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(),
                        nn.MaxPool2d(2), nn.Flatten(), nn.Linear(4 * 4 * 4, 3))
    net[1].running_mean.uniform_(-1, 1)
    net[1].running_var.uniform_(0.5, 2)
    net.eval().requires_grad_(False)
    folded = fold_batchnorm(net)
    x = torch.randn(16, 1, 8, 8, generator=torch.Generator().manual_seed(0))
    assert torch.allclose(folded(x), net(x), atol=1e-5)
    assert len(weighted_layers(folded)) == 2 and not any(isinstance(m, nn.BatchNorm2d)
                                                          for m in folded.modules())
    patterns = estimate_patterns(folded, list(x.split(8)))
    assert [p.shape for p in patterns.patterns] == [l.weight.shape for l in weighted_layers(folded)]
    for kind in ("net", "attribution"):
        assert torch.allclose(pattern_network(folded, patterns, kind)(x), net(x), atol=1e-5)
    assert hook_count(net) == 0 and hook_count(folded) == 0


def test_deconvnet_passes_the_positive_signal_whatever_the_forward_input():
    """At a ReLU the deconvnet rectifies the signal coming back, not the forward input:
    where the forward input was negative the gradient is 0, the deconvnet is not."""
    lin = nn.Linear(2, 2, bias=False)
    lin.weight.data = torch.eye(2)
    out = nn.Linear(2, 1, bias=False)
    out.weight.data = torch.tensor([[1.0, -1.0]])
    net = nn.Sequential(lin, nn.ReLU(), out).eval().requires_grad_(False)
    x = torch.tensor([[-1.0, 2.0]])  # unit 0 is off, unit 1 on
    assert torch.equal(target_gradient(net, x, 0), torch.tensor([[0.0, -1.0]]))
    assert torch.equal(target_gradient(deconv_copy(net), x, 0), torch.tensor([[1.0, 0.0]]))
    assert hook_count(net) == 0


class HeadBeforeFeatures(nn.Module):
    """Registers its head before its features' insides are visited (as PhantomNet does)."""

    def __init__(self) -> None:
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(1, 3, 3, padding=1), nn.ReLU())
        self.head = nn.Linear(3, 2)

    def forward(self, x):
        return self.head(self.features(x).mean((2, 3)))


def test_patterns_go_to_their_own_layers_in_nested_models():
    net = HeadBeforeFeatures().eval().requires_grad_(False)
    x = torch.randn(8, 1, 6, 6, generator=torch.Generator().manual_seed(1))
    patterns = estimate_patterns(net, [x])
    for kind in ("net", "attribution"):
        swapped = pattern_network(net, patterns, kind)
        assert swapped.head.backward_weight.shape == net.head.weight.shape
        assert torch.allclose(swapped(x), net(x), atol=1e-6)

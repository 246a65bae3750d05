"""Adaptive Integrated Gradients: the gap closes, points are reused and go where the
integrand moves, fixed mode unchanged."""
from __future__ import annotations

import pytest
import torch
from torch import nn

from explainers.adaptive_path import adaptive_integrated_gradients
from explainers.path_integral import integrated_gradients


def curved_model() -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(12, 16), nn.Tanh(), nn.Linear(16, 16), nn.Softplus(beta=3),
                         nn.Linear(16, 3))


class Counting(nn.Module):
    """Counts the path points it is asked for."""

    def __init__(self, inner: nn.Module) -> None:
        super().__init__()
        self.inner, self.points = inner, 0

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.points += x.shape[0]
        return self.inner(x)


def test_gap_is_under_one_percent_of_the_logit_change():
    model, x = curved_model(), torch.randn(1, 12, generator=torch.Generator().manual_seed(2)) * 3
    base = torch.zeros_like(x)
    run = adaptive_integrated_gradients(model, x, base, 1, start_steps=2)
    with torch.no_grad():
        change = float(model(x)[0, 1] - model(base)[0, 1])
    assert abs(run.delta) < 0.01 * abs(change) and run.gap_share < 0.01
    assert run.steps > 2  # it had to refine
    assert float(run.attributions.sum()) == pytest.approx(change + run.delta, abs=1e-5)
    fixed = integrated_gradients(model, x, base, 1, steps=256)[0]
    assert torch.allclose(run.attributions, fixed, atol=0.02 * abs(change))


def test_refinement_reuses_every_point():
    counting = Counting(curved_model())
    x = torch.randn(1, 12, generator=torch.Generator().manual_seed(2)) * 3
    run = adaptive_integrated_gradients(counting, x, torch.zeros_like(x), 1, start_steps=2,
                                        tolerance=1e-9, max_steps=64)
    assert run.steps == 64
    assert counting.points == 65  # n + 1 points for n intervals: nothing computed twice


def test_cap_stops_refinement():
    counting = Counting(curved_model())
    x = torch.randn(1, 12, generator=torch.Generator().manual_seed(3)) * 3
    run = adaptive_integrated_gradients(counting, x, torch.zeros_like(x), 0, start_steps=4,
                                        tolerance=0.0, max_steps=32)
    assert run.steps == 32 and counting.points == 33


def test_bad_step_arguments_are_refused():
    with pytest.raises(ValueError, match="start_steps"):
        adaptive_integrated_gradients(curved_model(), torch.ones(1, 12), torch.zeros(1, 12), 0,
                                      start_steps=0)


class Kink(nn.Module):
    """Logit 0 is a softplus with a sharp bend at 0.3 along the path from 0 to 1."""

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        s = z.sum(1)
        return torch.stack([nn.functional.softplus(200 * (s - 0.3)) / 200, s], 1)


def test_points_go_where_the_integrand_bends():
    x, base = torch.ones(1, 1), torch.zeros(1, 1)
    run = adaptive_integrated_gradients(Kink(), x, base, 0, start_steps=4, batch=2,
                                        tolerance=1e-4)
    assert run.gap_share < 1e-4 and run.steps <= 16
    near = ((run.nodes > 0.2) & (run.nodes < 0.4)).sum()  # 20 % of the path
    assert near > 0.4 * len(run.nodes)
    uniform = torch.linspace(0, 1, 65)  # four times the intervals, spread evenly: still off
    f = torch.sigmoid(200 * (uniform - 0.3))
    change = float(Kink()(x)[0, 0] - Kink()(base)[0, 0])
    assert abs(float(((f[1:] + f[:-1]) / 2).sum() / 64) - change) > 1e-4 * change

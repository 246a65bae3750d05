"""The one hook context manager: hooks counted before and after, removed on an exception."""
from __future__ import annotations

import pytest
import torch
from torch import nn

from explainers.hooks import StopForward, captured, forward_until
from tests.helpers import hook_count


def net() -> nn.Sequential:
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))


def test_the_hook_is_there_inside_and_gone_after():
    model = net()
    assert hook_count(model) == 0
    with captured(model[1]) as outputs:
        assert hook_count(model) == 1
        out = model(torch.ones(1, 4))
    assert hook_count(model) == 0
    assert torch.equal(outputs[-1], torch.relu(model[0](torch.ones(1, 4))))
    assert out.shape == (1, 2)


def test_the_hook_is_removed_when_the_block_raises():
    model = net()
    with pytest.raises(RuntimeError, match="boom"):
        with captured(model[0]), captured(model[2], leaf=True):
            assert hook_count(model) == 2
            raise RuntimeError("boom")
    assert hook_count(model) == 0


def test_stop_ends_the_forward_and_removes_the_hook():
    model = net()
    with captured(model[0], stop=True) as outputs:
        assert forward_until(model, torch.ones(2, 4)) is None
        with pytest.raises(StopForward):
            model(torch.ones(2, 4))
    assert len(outputs) == 2 and outputs[0].shape == (2, 3) and hook_count(model) == 0


def test_leaf_starts_the_graph_at_the_layer():
    """Same gradient at the layer as backpropagating from the input; nothing recorded below."""
    model = net()
    x = torch.randn(2, 4)
    with captured(model[0], leaf=True) as outputs, torch.enable_grad():
        out = model(x)
        assert outputs[-1].is_leaf and outputs[-1].requires_grad
        (leaf_grad,) = torch.autograd.grad(out[:, 1].sum(), outputs[-1])
    with captured(model[0]) as outputs, torch.enable_grad():
        out = model(x.clone().requires_grad_(True))
        (full_grad,) = torch.autograd.grad(out[:, 1].sum(), outputs[-1])
    assert torch.allclose(leaf_grad, full_grad) and hook_count(model) == 0


def test_no_layer_hooks_nothing():
    model = net()
    with captured(None) as outputs:
        model(torch.ones(1, 4))
        assert hook_count(model) == 0
    assert outputs == []

"""The frozen-trace forward: the module's own outputs, the module left as it was, and a
module that cannot be traced run as given."""
import torch
from torch import nn

from explainers import frozen_forward as ff


def tiny_cnn() -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(4 * 4 * 4, 3)).eval()


def test_frozen_outputs_equal_the_module_and_leave_it_untouched():
    net = tiny_cnn()
    before = {k: v.clone() for k, v in net.state_dict().items()}
    x = torch.rand(2, 3, 8, 8)
    out = ff.frozen_forward(net, x)
    with torch.no_grad():
        assert torch.allclose(out, net(x), rtol=1e-5, atol=1e-6)
    frozen = ff._FROZEN[net][ff._shape_key(x)]
    assert isinstance(frozen, torch.jit.ScriptModule)  # the traced path was taken
    other = torch.rand(2, 3, 8, 8)  # same shape, new values: the same trace, right answers
    with torch.no_grad():
        assert torch.allclose(ff.frozen_forward(net, other), net(other), rtol=1e-5, atol=1e-6)
    assert not net.training and not net._forward_hooks and not net._forward_pre_hooks
    assert all(torch.equal(before[k], v) for k, v in net.state_dict().items())


def test_untraceable_or_training_modules_run_as_given():
    class Untraceable(nn.Module):
        def forward(self, x):
            return {"not": "a tensor"} if x.shape[0] > 99 else x.numpy().sum()  # type: ignore

    class Doubler(nn.Module):
        def forward(self, x):
            return 2 * x

    weird = Untraceable().eval()
    x = torch.ones(1, 2)
    assert ff.frozen_forward(weird, x) == 2.0
    assert ff._FROZEN[weird][ff._shape_key(x)] is None
    training = Doubler().train()
    assert torch.equal(ff.frozen_forward(training, x), 2 * x)
    assert ff._FROZEN[training][ff._shape_key(x)] is None


def test_shapes_beyond_the_cap_run_as_given():
    net = tiny_cnn()
    for batch in range(1, ff.SHAPES_PER_MODULE + 3):
        x = torch.rand(batch, 3, 8, 8)
        with torch.no_grad():
            assert torch.allclose(ff.frozen_forward(net, x), net(x), rtol=1e-5, atol=1e-6)
    assert len(ff._FROZEN[net]) == ff.SHAPES_PER_MODULE

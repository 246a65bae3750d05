"""Batch norms folded into convolutions: same outputs, CAM layers kept, shared model untouched."""
from __future__ import annotations

import torch
from torch import nn

from explainers.folded_norms import fold_norms_, folded_module
from explainers.image.cam import layer_activations


def conv_bn_net() -> nn.Module:
    torch.manual_seed(3)
    net = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(),
                        nn.Sequential(nn.Conv2d(4, 5, 3, bias=False), nn.BatchNorm2d(5)),
                        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(5, 2))
    for m in net.modules():  # non-trivial statistics, so a wrong fold would show
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.uniform_(-1, 1), m.running_var.uniform_(0.5, 2)
            m.weight.data.uniform_(0.5, 2), m.bias.data.uniform_(-1, 1)
    return net.eval().requires_grad_(False)


def test_folding_keeps_the_outputs_and_replaces_the_norms():
    net, x = conv_bn_net(), torch.rand(2, 3, 8, 8)
    expected = net(x)
    assert fold_norms_(net, keep=set()) == 2
    assert not any(isinstance(m, nn.BatchNorm2d) for m in net.modules())
    assert torch.allclose(net(x), expected, atol=1e-5)


def test_a_cam_layer_and_a_training_norm_are_not_folded():
    net = conv_bn_net()
    assert fold_norms_(net, keep={id(net[3][0])}) == 1  # the inner conv is a CAM layer
    assert isinstance(net[3][1], nn.BatchNorm2d)
    train = conv_bn_net().train()
    assert fold_norms_(train, keep=set()) == 0


def test_cam_on_the_folded_copy_matches_the_unfolded_model_and_leaves_it_alone(zoo, chelsea):
    model = zoo("mobilenet_v2")
    before = {k: v.clone() for k, v in model.module.state_dict().items()}
    x = model.preprocess(chelsea)
    folded = folded_module(model.module, model.target_layers)
    assert folded is folded_module(model.module, model.target_layers)  # made once
    assert sum(isinstance(m, nn.BatchNorm2d) for m in folded.modules()) == 0
    acts, grads = layer_activations(model, x, 285, -1)
    out = []  # the same layer's output on the shared model itself
    hook = model.target_layers(model.module)[-1].register_forward_hook(
        lambda _m, _i, o: out.append(o))
    try:
        with torch.no_grad():
            logits = model.module(x)
    finally:
        hook.remove()
    assert torch.allclose(acts, out[-1], atol=1e-4) and logits.argmax().item() == 285
    assert grads is not None and grads.shape == acts.shape
    after = model.module.state_dict()
    assert all(torch.equal(before[k], after[k]) for k in before)
    assert all(not m._forward_hooks for m in model.module.modules())


def test_a_network_without_cam_layers_is_folded_whole():
    from explainers.folded_norms import folded_net
    from tests.tiny_models import tiny_image_model

    model = tiny_image_model(conv_bn_net(), (8, 8), 2)  # no .features: no CAM layer
    x = torch.rand(2, 3, 8, 8)
    net = folded_net(model)
    assert not any(isinstance(m, nn.BatchNorm2d) for m in net.modules())
    assert torch.allclose(net(x), model.module(x), atol=1e-5)
    assert any(isinstance(m, nn.BatchNorm2d) for m in model.module.modules())  # shared: untouched

"""The one assembly helper: a plain-torch net becomes an image classifier every method fits."""
from __future__ import annotations

import numpy as np
import torch
from torch import nn

from explainers import compatible_methods, explain
from model_zoo.architectures import architecture
from model_zoo.assemble import assemble_image_classifier
from tests.helpers import assert_untouched


def grey_net() -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.Conv2d(4, 4, 3, padding=1),
                         nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(4, 2))


def test_a_grey_net_reads_rgb_as_luma_and_fits_the_cam_methods():
    net = grey_net()
    model = assemble_image_classifier(net, (0.5,), (0.25,), ("a", "b"),
                                      lambda n: [n[0], n[2]], name="grey", input_size=(16, 16),
                                      grayscale=True)
    image = torch.rand(3, 16, 16, generator=torch.Generator().manual_seed(1))
    luma = (image * torch.tensor([0.299, 0.587, 0.114]).view(3, 1, 1)).sum(0, keepdim=True)
    expected = net(((luma - 0.5) / 0.25)[None])
    torch.testing.assert_close(model.logits(image), expected, rtol=1e-5, atol=1e-5)
    assert model.target_layers(model.module) == [net[0], net[2]]
    assert "gradcam" in {e.name for e in compatible_methods(model)}
    result = explain(model, "gradcam", image, target=1)
    assert result.scores.shape == (16, 16) and np.isfinite(result.scores).all()
    assert_untouched(model.module) and not any(p.requires_grad for p in model.module.parameters())


def test_an_architecture_description_serves_the_zoo_and_checkpoints(zoo):
    """mobilenet_v2's one description: the zoo entry and a user checkpoint get the same
    preprocessing, input size and CAM layers."""
    bundled = zoo("mobilenet_v2")
    arch = architecture("mobilenet_v2")
    rebuilt = arch.assemble(arch.build(3), ("a", "b", "c"), name="checkpoint:mobilenet_v2")
    assert rebuilt.input_size == bundled.input_size == (224, 224)
    assert torch.equal(rebuilt.module[0].mean, bundled.module[0].mean)
    assert len(rebuilt.target_layers(rebuilt.module)) == len(bundled.target_layers(bundled.module))

"""Tiny image models for the CAM, gradient and LRP tests, with known right answers."""
from __future__ import annotations

import torch
from torch import nn

from model_zoo.classifier import ImageClassifier, freeze
from tests.tiny_models import BlockPool, QuadrantNet, tiny_image_model


class ColourPool(nn.Module):
    """Two 'conv' channels: the red and the green plane, 2x2 average pooled."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return nn.functional.avg_pool2d(x[:, :2], 2)


class ColourNet(nn.Module):
    """Class 0 = 20 x mean red, class 1 = 20 x mean green: a CAM for class 0 must sit on
    the red things, for class 1 on the green things."""

    def __init__(self) -> None:
        super().__init__()
        self.features = nn.Sequential(ColourPool(), nn.ReLU())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return 20 * self.features(x).mean((2, 3))


class RectifiedQuadrantNet(QuadrantNet):
    """QuadrantNet with a ReLU after its pooled map (a no-op on images >= 0), so guided
    backpropagation has a rectifier to act on."""

    def __init__(self) -> None:
        super().__init__()
        self.features = nn.Sequential(BlockPool(), nn.ReLU())


def red_and_green(size: int = 32, red: float = 1.0, green: float = 1.0) -> torch.Tensor:
    """A red square in the top-left quarter, a green one in the bottom-right quarter."""
    image = torch.zeros(3, size, size)
    half = size // 2
    image[0, 2:half - 2, 2:half - 2] = red
    image[1, half + 2:size - 2, half + 2:size - 2] = green
    return image


def conv_net(seed: int, bias: bool = True, norm: bool = True, residual: bool = False,
             activation: type[nn.Module] = nn.ReLU) -> nn.Module:
    """conv-(BN)-act, conv-(BN)-act (optionally as a residual block), max pool, avg pool,
    linear: the layer kinds LRP's rules cover. Seeded random weights, 3 classes."""
    torch.manual_seed(seed)
    layers = [nn.Conv2d(3, 6, 3, padding=1, bias=bias)]
    layers += [nn.BatchNorm2d(6)] if norm else []
    layers += [activation(), nn.MaxPool2d(2)]
    block = [nn.Conv2d(6, 6, 3, padding=1, bias=bias)] + ([nn.BatchNorm2d(6)] if norm else [])
    net = ConvNet(nn.Sequential(*layers), nn.Sequential(*block, activation()), residual)
    for module in net.modules():
        if isinstance(module, nn.BatchNorm2d):  # non-trivial statistics, some negative gains
            module.running_mean.uniform_(-0.5, 0.5)
            module.running_var.uniform_(0.5, 2.0)
            module.weight.data.uniform_(-1.0, 1.5)
            module.bias.data.uniform_(-0.3, 0.3)
    return net


class ConvNet(nn.Module):
    def __init__(self, stem: nn.Module, block: nn.Module, residual: bool) -> None:
        super().__init__()
        self.features = nn.Sequential(stem, block)
        self.residual = residual
        self.head = nn.Linear(6, 3, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        a = self.features[0](x)
        a = a + self.features[1](a) if self.residual else self.features[1](a)
        return self.head(torch.flatten(nn.functional.adaptive_avg_pool2d(a, 1), 1))


def conv_model(seed: int = 0, **options) -> ImageClassifier:
    return ImageClassifier(name=f"tiny:conv{seed}", module=freeze(conv_net(seed, **options)),
                           labels=("a", "b", "c"), input_size=(16, 16),
                           target_layers=lambda m: list(m.features))


class QuadrantConv(nn.Module):
    """1x1 conv (positive weights), ReLU, 2x2 max pool, linear reading only the top-left
    quarter for class 0 and only the rest for class 1: relevance for class 0 stays there."""

    def __init__(self, size: int = 16) -> None:
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(3, 2, 1, bias=False), nn.ReLU(),
                                      nn.MaxPool2d(2))
        self.head = nn.Linear(2 * (size // 2) ** 2, 2, bias=False)
        with torch.no_grad():
            self.features[0].weight.copy_(torch.rand(2, 3, 1, 1) + 0.1)
            grid = torch.zeros(2, size // 2, size // 2)
            grid[:, : size // 4, : size // 4] = 1.0
            self.head.weight.copy_(torch.stack([grid.flatten(), (1 - grid).flatten()]))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(torch.flatten(self.features(x), 1))


def models() -> dict[str, ImageClassifier]:
    return {"colour": tiny_image_model(ColourNet(), (32, 32), 2),
            "quadrant": tiny_image_model(RectifiedQuadrantNet(), (32, 32), 2),
            "quadrant_conv": tiny_image_model(QuadrantConv(), (16, 16), 2)}

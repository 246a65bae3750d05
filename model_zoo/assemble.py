"""The one place an image network becomes an ``ImageClassifier``: normalisation inside the
model, frozen weights, CAM layers as a callable.

Every image model goes through ``assemble_image_classifier``: the bundled zoo entries, the
torchvision hub path, users' checkpoints, and small nets built in plain torch from a
safetensors file, for example::

    net = SmallCNN(); net.load_state_dict(safetensors.torch.load_file(path))
    return assemble_image_classifier(net, mean=(0.5,), std=(0.25,), labels=LABELS,
                                     target_layers=lambda net: [net.conv2], name="small_cnn",
                                     input_size=(64, 64), grayscale=True)
"""
from __future__ import annotations

from typing import Callable, Sequence

import torch
from torch import nn

from model_zoo.classifier import ImageClassifier, Normalize, freeze

NetLayers = Callable[[nn.Module], list[nn.Module]]  # the bare net -> its CAM layers
LUMA = (0.299, 0.587, 0.114)  # ITU-R BT.601 weights, what PIL's convert("L") uses


class Luma(nn.Module):
    """RGB (N, 3, h, w) -> grey (N, 1, h, w), for nets trained on one channel."""

    def __init__(self) -> None:
        super().__init__()
        self.register_buffer("weights", torch.tensor(LUMA).view(1, 3, 1, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return (x * self.weights).sum(dim=1, keepdim=True)


def _three(values: Sequence[float]) -> tuple[float, ...]:
    """A grey net's one-channel statistic, repeated for the three RGB channels."""
    values = tuple(float(v) for v in values)
    return values * 3 if len(values) == 1 else values


def assemble_image_classifier(net: nn.Module, mean: Sequence[float], std: Sequence[float],
                              labels: Sequence[str], target_layers: NetLayers, *, name: str,
                              input_size: tuple[int, int] = (224, 224), source: str = "",
                              grayscale: bool = False) -> ImageClassifier:
    """``Normalize(mean, std)`` then ``net``, frozen, as an image classifier on RGB in [0, 1].

    ``target_layers(net)`` lists the net's CAM layers in forward order (the last is the
    default); it is called on private copies too, so it must look layers up on its argument.
    ``grayscale``: the net reads one channel; RGB is turned to luma first (luma is linear
    with weights summing to one, so normalising before it equals normalising after it).
    """
    body = nn.Sequential(Luma(), net) if grayscale else net
    module = freeze(nn.Sequential(Normalize(_three(mean), _three(std)), body))

    def layers(wrapped: nn.Module) -> list[nn.Module]:
        inner = wrapped[1][1] if grayscale else wrapped[1]
        return target_layers(inner)

    return ImageClassifier(name=name, module=module, labels=tuple(labels),
                           input_size=tuple(input_size), target_layers=layers, source=source)

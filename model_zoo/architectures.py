"""One description per image architecture: how to build it for N classes, its head, its
preprocessing and CAM layers. Zoo entries load their weights into it; user checkpoints
load theirs into the same description.

Bundled architectures register themselves (``register_architecture``) in their zoo file;
any torchvision classifier is described from its default weights' metadata (nothing is
fetched).
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Sequence

import torch
from torch import nn

from model_zoo.assemble import NetLayers, assemble_image_classifier
from model_zoo.classifier import ImageClassifier
from model_zoo.errors import UnknownModelError
from model_zoo.layers import pick_by_names, spatial_blocks
from model_zoo.torchvision_compat import ensure_torchvision_importable

# Offered by the dashboard's picker; the command line takes any torchvision classifier.
SUGGESTED = ("mobilenet_v2", "efficientnet_lite0", "efficientnet_lite1", "efficientnet_lite2",
             "resnet18", "resnet50", "mobilenet_v3_small", "mobilenet_v3_large",
             "efficientnet_b0", "convnext_tiny", "densenet121", "shufflenet_v2_x1_0",
             "squeezenet1_1", "regnet_y_400mf", "small_cnn", "small_vit")


@dataclass(frozen=True)
class Architecture:
    """``build(num_classes)`` -> bare net; ``head`` is the state-dict key giving the classes.

    ``layers(net)`` lists the CAM layers; None: found by a probe forward (``spatial_blocks``).
    """

    name: str
    build: Callable[[int], nn.Module]
    head: str
    mean: tuple[float, ...]
    std: tuple[float, ...]
    input_size: tuple[int, int]
    layers: NetLayers | None = None

    def net_layers(self, net: nn.Module) -> NetLayers:
        return self.layers or pick_by_names(spatial_blocks(net, self.input_size))

    def assemble(self, net: nn.Module, labels: Sequence[str], *, name: str,
                 source: str = "") -> ImageClassifier:
        """``net`` (built by ``build``, weights loaded) as a frozen image classifier."""
        return assemble_image_classifier(net, self.mean, self.std, labels, self.net_layers(net),
                                         name=name, input_size=self.input_size, source=source)


_ARCHITECTURES: dict[str, Architecture] = {}


def register_architecture(arch: Architecture) -> Architecture:
    """Make ``arch`` available to user checkpoints under its name; returns it."""
    _ARCHITECTURES[arch.name] = arch
    return arch


def _torchvision(name: str) -> Architecture:
    import torchvision.models as tvm

    if name not in tvm.list_models(module=tvm):
        raise UnknownModelError(
            f"unknown architecture {name!r}; choose {', '.join(SUGGESTED[:4])} or a torchvision "
            "classifier name such as resnet18")

    def build(classes: int) -> nn.Module:
        with warnings.catch_warnings():  # e.g. inception_v3's note on its init
            warnings.simplefilter("ignore", FutureWarning)
            return tvm.get_model(name, weights=None, num_classes=classes)

    with torch.device("meta"):
        keys = build(1000).state_dict()
    head = [k for k, t in keys.items() if t.dim() >= 1 and t.shape[0] == 1000][-1]
    preset = tvm.get_model_weights(name).DEFAULT.transforms()
    size = tuple(preset.crop_size) * (2 // len(preset.crop_size))
    return Architecture(name, build, head, tuple(preset.mean), tuple(preset.std), size)


@lru_cache(maxsize=64)
def architecture(name: str) -> Architecture:
    """A registered architecture of that name, else torchvision's (``torchvision:`` optional)."""
    ensure_torchvision_importable()  # (importing model_zoo registered the bundled ones)
    name = name.removeprefix("torchvision:")
    return _ARCHITECTURES.get(name) or _torchvision(name)

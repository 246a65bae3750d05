"""Architectures a user checkpoint may be loaded into, built with random weights, no download.

Our zoo's architectures (MobileNetV2, EfficientNet-Lite0/1/2) with their preprocessing and
CAM layers, plus any torchvision classifier by name with its default weights' preprocessing
(read from metadata; nothing is fetched).
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

import torch
from torch import nn

from model_zoo.classifier import LayerPicker
from model_zoo.efficientnet_lite import INPUT_SIZES, LITE_MEAN, LITE_STD, lite_blocks
from model_zoo.imagenet import IMAGENET_MEAN, IMAGENET_STD
from model_zoo.layers import pick_by_names, spatial_blocks
from model_zoo.mobilenet_v2 import mobilenet_blocks
from model_zoo.registry import UnknownModelError
from model_zoo.torchvision_compat import ensure_torchvision_importable

# Offered by the dashboard's picker; the command line takes any torchvision classifier.
SUGGESTED = ("mobilenet_v2", "efficientnet_lite0", "efficientnet_lite1", "efficientnet_lite2",
             "resnet18", "resnet50", "mobilenet_v3_small", "mobilenet_v3_large",
             "efficientnet_b0", "convnext_tiny", "densenet121", "shufflenet_v2_x1_0",
             "squeezenet1_1", "regnet_y_400mf", "small_cnn", "small_vit")


@dataclass(frozen=True)
class Architecture:
    """``build(num_classes)`` -> bare net; ``head`` is the state-dict key giving the classes."""

    name: str
    build: Callable[[int], nn.Module]
    head: str
    mean: tuple[float, ...]
    std: tuple[float, ...]
    input_size: tuple[int, int]
    layers: Callable[[nn.Module], LayerPicker]  # wrapped module -> CAM layer picker


def _mobilenet_v2() -> Architecture:
    from torchvision.models import mobilenet_v2

    return Architecture("mobilenet_v2", lambda n: mobilenet_v2(num_classes=n), "classifier.1.weight",
                        IMAGENET_MEAN, IMAGENET_STD, (224, 224), lambda _m: mobilenet_blocks)


def _lite(variant: int) -> Architecture:
    from efficientnet_lite_pytorch import EfficientNet

    size = INPUT_SIZES[variant]
    return Architecture(f"efficientnet_lite{variant}",
                        lambda n: EfficientNet.from_name(f"efficientnet-lite{variant}", num_classes=n),
                        "_fc.weight", LITE_MEAN, LITE_STD, (size, size), lambda _m: lite_blocks)


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
    return Architecture(name, build, head, tuple(preset.mean), tuple(preset.std), size,
                        lambda module: pick_by_names(spatial_blocks(module, size)))


def _small(name: str) -> Architecture:
    """The shortcut lab's 64 px CNN and ViT (model_zoo/small_nets.py), bare-net state dicts."""
    from model_zoo.shortcut_models import ARCHITECTURES, INPUT_SIZE, cnn_blocks, vit_blocks
    from model_zoo.small_nets import SHORTCUT_MEAN, SHORTCUT_STD

    head, blocks = ("1.2.weight", cnn_blocks) if name == "small_cnn" else ("2.fc.weight", vit_blocks)
    return Architecture(name, ARCHITECTURES[name], head, SHORTCUT_MEAN, SHORTCUT_STD, INPUT_SIZE,
                        lambda _m: blocks)


@lru_cache(maxsize=64)
def architecture(name: str) -> Architecture:
    """Our zoo's architecture of that name, else torchvision's (``torchvision:`` optional)."""
    ensure_torchvision_importable()
    name = name.removeprefix("torchvision:")
    if name == "mobilenet_v2":
        return _mobilenet_v2()
    if name in {f"efficientnet_lite{v}" for v in INPUT_SIZES}:
        return _lite(int(name[-1]))
    if name in ("small_cnn", "small_vit"):
        return _small(name)
    return _torchvision(name)

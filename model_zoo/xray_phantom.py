"""A synthetic teaching model: a small CNN that tells phantom chest images with a lesion
from those without. Trained here by ``scripts/train_xray_phantom.py`` on ``inputs.phantoms``;
not a diagnostic device, and it has never seen a real radiograph.

It reads the dashboard's (N, 3, H, W) images in [0, 1]; a grey image has three equal
channels. Four conv blocks (the CAM layers), global average pooling, one linear layer.
"""
from __future__ import annotations

from pathlib import Path

from safetensors.torch import load_file
from torch import nn

from inputs.phantoms import LABELS, PHANTOM_SIZE
from model_zoo.classifier import ImageClassifier, Normalize, freeze
from model_zoo.registry import register_model
from model_zoo.training_domain import TrainingDomain, declare_domain

WEIGHTS_FILE = Path(__file__).parent / "weights" / "xray_phantom_cnn.safetensors"
GREY_MEAN, GREY_STD = 0.4, 0.25
WIDTHS = (8, 16, 32, 32)
NAME = "xray_phantom_cnn"

declare_domain(NAME, TrainingDomain(("DX", "CR"), ("CHEST",), "",
                                    "synthetic phantom images, never a real radiograph"))


def conv_block(cin: int, cout: int, pool: bool) -> nn.Sequential:
    layers = [nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU()]
    return nn.Sequential(*layers, *([nn.MaxPool2d(2)] if pool else []))


class PhantomNet(nn.Module):
    """Conv blocks at 128, 64, 32 and 16 px, then mean pooling and a linear head."""

    def __init__(self, classes: int = len(LABELS)) -> None:
        super().__init__()
        widths = (3, *WIDTHS)
        self.features = nn.Sequential(*[conv_block(widths[i], widths[i + 1], i < 3)
                                        for i in range(len(WIDTHS))])
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.head = nn.Linear(WIDTHS[-1], classes)

    def forward(self, x):
        return self.head(self.pool(self.features(x)).flatten(1))


def phantom_module(net: PhantomNet) -> nn.Sequential:
    return nn.Sequential(Normalize((GREY_MEAN,) * 3, (GREY_STD,) * 3), net)


def phantom_blocks(module: nn.Module) -> list[nn.Module]:
    """The four conv blocks; the last (32 channels, 16x16) is the default CAM layer."""
    return list(module[1].features)


@register_model(NAME, modality="image", title="Phantom chest CNN (synthetic teaching model)",
                source="trained here on generated phantoms (scripts/train_xray_phantom.py)")
def build_xray_phantom() -> ImageClassifier:
    net = PhantomNet()
    net.load_state_dict(load_file(WEIGHTS_FILE))
    return ImageClassifier(name=NAME, module=freeze(phantom_module(net)), labels=LABELS,
                           input_size=(PHANTOM_SIZE, PHANTOM_SIZE), target_layers=phantom_blocks,
                           source="synthetic teaching model; not a diagnostic device")

"""``digit_cnn``: a small ReLU CNN for MNIST digits, trained here by ``scripts/train_digits.py``.

Input kind: 28x28 grey. It reads the dashboard's (N, 3, 28, 28) RGB in [0, 1] (luma first,
so a grey image on three equal channels is read as itself), white digit on black as in MNIST.
Three conv blocks (the CAM layers; 28, 14 and 7 px), then two linear layers. Only Conv2d,
ReLU, MaxPool2d and Linear: LRP, DeconvNet and PatternNet cover all of it.
Test accuracy on the 10,000 MNIST test digits: ``TEST_ACCURACY`` (stored beside the weights).
"""
from __future__ import annotations

import json
from pathlib import Path

from safetensors.torch import load_file
from torch import nn

from inputs.mnist import DIGIT_LABELS
from model_zoo.assemble import assemble_image_classifier
from model_zoo.classifier import ImageClassifier
from model_zoo.registry import register_model

NAME = "digit_cnn"
WEIGHTS_FILE = Path(__file__).parent / "weights" / f"{NAME}.safetensors"
REPORT_FILE = WEIGHTS_FILE.with_suffix(".json")
MNIST_MEAN, MNIST_STD = (0.1307,), (0.3081,)
INPUT_SIZE = (28, 28)


def conv_block(cin: int, cout: int, pool: bool) -> nn.Sequential:
    layers: list[nn.Module] = [nn.Conv2d(cin, cout, 3, padding=1), nn.ReLU()]
    return nn.Sequential(*layers, nn.MaxPool2d(2)) if pool else nn.Sequential(*layers)


def digit_net(classes: int = 10) -> nn.Sequential:
    """~115k parameters: conv 16 @28, conv 32 @28 -> 14, conv 32 @14 -> 7, 64 hidden, 10 out."""
    features = nn.Sequential(conv_block(1, 16, False), conv_block(16, 32, True),
                             conv_block(32, 32, True))
    head = nn.Sequential(nn.Flatten(), nn.Linear(32 * 7 * 7, 64), nn.ReLU(),
                         nn.Linear(64, classes))
    return nn.Sequential(features, head)


def digit_blocks(net: nn.Module) -> list[nn.Module]:
    """The three conv blocks; the last (32 channels, 7x7) is the default CAM layer."""
    return list(net[0])


def recorded_test_accuracy() -> float | None:
    """The accuracy the training script measured on the MNIST test split, if recorded."""
    return json.loads(REPORT_FILE.read_text())["test_accuracy"] if REPORT_FILE.is_file() else None


def assemble(net: nn.Module) -> ImageClassifier:
    accuracy = recorded_test_accuracy()
    note = f", {accuracy:.2%} on the 10,000 MNIST test digits" if accuracy else ""
    return assemble_image_classifier(
        net, MNIST_MEAN, MNIST_STD, DIGIT_LABELS, digit_blocks, name=NAME, input_size=INPUT_SIZE,
        grayscale=True, source=f"trained here on MNIST (scripts/train_digits.py){note}")


def zoo_source() -> str:
    """The zoo listing's source line, with the recorded test accuracy (``models --json``)."""
    accuracy = recorded_test_accuracy()
    return "trained here: scripts/train_digits.py" + (
        f"; test accuracy {accuracy:.2%} on the 10,000 MNIST test digits" if accuracy else "")


@register_model(NAME, modality="image", title="Digit CNN (MNIST, 28x28 grey)", source=zoo_source())
def build_digit_cnn() -> ImageClassifier:
    if not WEIGHTS_FILE.is_file():
        raise FileNotFoundError(f"{WEIGHTS_FILE.name} missing: run python scripts/train_digits.py")
    net = digit_net()
    net.load_state_dict(load_file(str(WEIGHTS_FILE)))
    return assemble(net)

"""The shortcut lab's models, trained here by ``scripts/train_shortcut_models.py``.

``shortcut_cnn`` (trained on the ``biased`` split: it learns the background),
``robust_cnn`` (same architecture on ``neutral``: it has to look at the object) and
``shortcut_vit`` (a small vision transformer on ``biased``, so attention and rollout
exist for an image model). Weights are committed safetensors under ``weights/``; they hold
the normalised module (``0.`` the normalisation, ``1.`` the net), as training saves it.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from safetensors.torch import load_file
from torch import nn

from inputs.shortcut_data import CLASSES
from model_zoo.architectures import Architecture, register_architecture
from model_zoo.classifier import ImageClassifier, Normalize
from model_zoo.registry import register_model
from model_zoo.small_nets import SHORTCUT_MEAN, SHORTCUT_STD, small_cnn, small_vit

WEIGHTS = Path(__file__).parent / "weights"
INPUT_SIZE = (64, 64)
ARCHITECTURES: dict[str, Callable[[int], nn.Module]] = {"small_cnn": small_cnn,
                                                        "small_vit": small_vit}


def cnn_blocks(net: nn.Module) -> list[nn.Module]:
    """The four conv blocks of the CNN; the last (16x16) is the usual CAM layer."""
    return list(net[0])


def vit_blocks(net: nn.Module) -> list[nn.Module]:
    """The attention blocks of the ViT; each gives an (N, D, 8, 8) map."""
    return list(net[1])


SMALL_CNN = register_architecture(Architecture(
    "small_cnn", small_cnn, "1.2.weight", SHORTCUT_MEAN, SHORTCUT_STD, INPUT_SIZE, cnn_blocks))
SMALL_VIT = register_architecture(Architecture(
    "small_vit", small_vit, "2.fc.weight", SHORTCUT_MEAN, SHORTCUT_STD, INPUT_SIZE, vit_blocks))


def wrap(net: nn.Module) -> nn.Module:
    """Normalisation then the net: the module training optimises and saves."""
    return nn.Sequential(Normalize(SHORTCUT_MEAN, SHORTCUT_STD), net)


def build(name: str, arch: Architecture, weights: Path | None = None) -> ImageClassifier:
    """Our architecture with the committed weights (``weights/NAME.safetensors``)."""
    path = weights or WEIGHTS / f"{name}.safetensors"
    if not path.is_file():
        raise FileNotFoundError(f"{path.name} missing: run python scripts/train_shortcut_models.py")
    net = arch.build(len(CLASSES))
    saved = load_file(str(path))
    net.load_state_dict({k.removeprefix("1."): v for k, v in saved.items() if k.startswith("1.")})
    return arch.assemble(net, CLASSES, name=name,
                         source=f"trained here on the generated shortcut set ({path.name})")


@register_model("shortcut_cnn", modality="image", title="Shortcut CNN (background-biased shapes)",
                source="trained here: scripts/train_shortcut_models.py")
def build_shortcut_cnn() -> ImageClassifier:
    return build("shortcut_cnn", SMALL_CNN)


@register_model("robust_cnn", modality="image", title="Robust CNN (background-neutral shapes)",
                source="trained here: scripts/train_shortcut_models.py")
def build_robust_cnn() -> ImageClassifier:
    return build("robust_cnn", SMALL_CNN)


@register_model("shortcut_vit", modality="image", title="Shortcut ViT (background-biased shapes)",
                source="trained here: scripts/train_shortcut_models.py")
def build_shortcut_vit() -> ImageClassifier:
    return build("shortcut_vit", SMALL_VIT)

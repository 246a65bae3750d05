"""Which bundled models the project trained itself, on which data: the exact training set
(``scripts/train_shortcut_models.py``: seed 1000, the recipe's split and size), so their
training images can be ranked. Other models have no training data here."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from inputs.shortcut_data import BACKGROUNDS, shortcut_dataset

SHORTCUT_TRAIN_SEED = 1000  # scripts/train_shortcut_models.py TRAIN_SEED (a test checks)
SHORTCUT_RECIPES = {"shortcut_cnn": ("biased", 4000), "robust_cnn": ("neutral", 5000),
                    "shortcut_vit": ("biased", 4000)}


class NoTrainingData(ValueError):
    """The project does not have this model's training data."""


@dataclass(frozen=True)
class TrainingSet:
    """A model's training images (N, 3, H, W) in [0, 1], labels and per-image attributes."""

    name: str
    images: np.ndarray
    labels: np.ndarray
    attributes: dict[str, tuple[str, ...]]  # attribute -> one value name per image


@lru_cache(maxsize=2)
def _shortcut_set(split: str, size: int) -> TrainingSet:
    images, labels, _, attrs = shortcut_dataset(split, size, SHORTCUT_TRAIN_SEED)
    backgrounds = tuple(BACKGROUNDS[k] for k in attrs["background"])
    return TrainingSet(f"shortcut_{split} (seed {SHORTCUT_TRAIN_SEED}, {size} images)",
                       images, labels, {"background": backgrounds})


def has_training_data(model_name: str) -> bool:
    return model_name in SHORTCUT_RECIPES


def training_set(model_name: str) -> TrainingSet:
    if not has_training_data(model_name):
        raise NoTrainingData(f"training-data attribution is not available for {model_name}: "
                             "the project does not have its training data")
    return _shortcut_set(*SHORTCUT_RECIPES[model_name])

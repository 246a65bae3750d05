"""The phantom model's feature-space distance, calibrated on its own held-out phantoms
(seed 1 to fit, seed 3 to set the threshold, seed 4 to count false alarms; it was trained on
seed 0 and the localisation benchmark uses seed 2)."""
from __future__ import annotations

from functools import lru_cache

import numpy as np
import torch

from explainers.metrics.feature_distance import FeatureDistance, calibrate, pooled_features
from inputs.phantoms import phantom_case
from model_zoo.classifier import ImageClassifier
from model_zoo.training_domain import declare_distance
from model_zoo.xray_phantom import NAME

HELD_OUT = 200


def _features(model: ImageClassifier, x: torch.Tensor) -> np.ndarray:
    return pooled_features(model.target_layers(model.module)[-1], model.module, x)


def _phantoms(seed: int) -> torch.Tensor:
    grey = np.stack([phantom_case(seed, i).image for i in range(HELD_OUT)])
    return torch.from_numpy(grey)[:, None].expand(-1, 3, -1, -1).contiguous()


@lru_cache(maxsize=1)
def _calibrated(model: ImageClassifier) -> FeatureDistance:
    return calibrate(*(_features(model, _phantoms(seed)) for seed in (1, 3, 4)))


def phantom_distance(model: ImageClassifier, image: torch.Tensor) -> tuple[float, bool, str]:
    """(distance, far, sentence) of a (3, H, W) image in [0, 1] for the phantom model."""
    return _calibrated(model).verdict(_features(model, model.preprocess(image)))


declare_distance(NAME, phantom_distance)

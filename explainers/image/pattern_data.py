"""Training-like images for the models whose patterns can be estimated from data.

One entry per model (``register_pattern_data``): ``images(count, seed) -> (N, 3, H, W)`` in
[0, 1], from the data the model was trained on (or the same generator with another seed).
Models without an entry get no PatternNet / PatternAttribution.
"""
from __future__ import annotations

from typing import Callable

import numpy as np
import torch

ImagesFn = Callable[[int, int], torch.Tensor]
_DATA: dict[str, tuple[ImagesFn, str]] = {}


def register_pattern_data(model: str, describe: str):
    def wrap(fn: ImagesFn) -> ImagesFn:
        _DATA[model] = (fn, describe)
        return fn

    return wrap


def has_pattern_data(model_name: str) -> bool:
    return model_name in _DATA


def pattern_images(model_name: str, count: int, seed: int) -> torch.Tensor:
    return _DATA[model_name][0](count, seed)


def pattern_source(model_name: str) -> str:
    return _DATA[model_name][1]


@register_pattern_data("digit_cnn", "MNIST test digits bundled with the project")
def digits(count: int, seed: int) -> torch.Tensor:
    from inputs.mnist import bundled_digits

    x, _ = bundled_digits()
    pick = np.random.default_rng(seed).permutation(len(x))[:count]
    return torch.tensor(x[pick], dtype=torch.float32).div(255)[:, None].expand(-1, 3, -1, -1)


def _shortcut(split: str) -> ImagesFn:
    def images(count: int, seed: int) -> torch.Tensor:
        from inputs.shortcut_data import shortcut_dataset

        return torch.from_numpy(shortcut_dataset(split, count, 2000 + seed)[0])

    return images


register_pattern_data("shortcut_cnn", "generated shortcut shapes, biased split")(_shortcut("biased"))
register_pattern_data("robust_cnn", "generated shortcut shapes, neutral split")(_shortcut("neutral"))


@register_pattern_data("xray_phantom_cnn", "generated phantom chest images")
def phantoms(count: int, seed: int) -> torch.Tensor:
    from inputs.phantoms import phantom_batch

    images = torch.from_numpy(phantom_batch(3000 + seed, count)[0])
    return images[:, None].expand(-1, 3, -1, -1).float()

"""The images each learned explainer is trained and checked on: the data its model was made
for, with seeds no model or explainer training used for the held-out part."""
from __future__ import annotations

import numpy as np
import torch

SHORTCUT_SPLITS = ("biased", "swapped", "neutral")  # every split the shortcut lab offers
SEEDS = {"train": 7, "held_out": 8}
PHANTOM_SEEDS = {"train": 2, "held_out": 3}  # the phantom model trained on 0, checked on 1
TRAINED_MODELS = ("shortcut_cnn", "robust_cnn", "shortcut_vit", "xray_phantom_cnn")


def shortcut_images(part: str, count: int) -> torch.Tensor:
    """(count, 3, 64, 64) in [0, 1]: the three splits in turn, so each is a third."""
    from inputs.shortcut_data import shortcut_item

    items = [shortcut_item(SHORTCUT_SPLITS[i % 3], SEEDS[part], i // 3)[0] for i in range(count)]
    return torch.from_numpy(np.stack(items).transpose(0, 3, 1, 2).copy())


def phantom_images(part: str, count: int) -> torch.Tensor:
    """(count, 3, 128, 128) grey phantoms in [0, 1], half with a lesion on average."""
    from inputs.phantoms import phantom_batch

    images = torch.from_numpy(phantom_batch(PHANTOM_SEEDS[part], count)[0])
    return images[:, None].expand(-1, 3, -1, -1).contiguous()


def images_for(model_name: str, part: str, count: int) -> torch.Tensor:
    """Training (``part="train"``) or held-out images for one of ``TRAINED_MODELS``."""
    if model_name not in TRAINED_MODELS:
        raise ValueError(f"no training set for {model_name!r}; one of {', '.join(TRAINED_MODELS)}")
    return (phantom_images if model_name == "xray_phantom_cnn" else shortcut_images)(part, count)

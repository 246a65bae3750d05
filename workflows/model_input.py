"""What a model reads, from whatever a user holds: a file path, bytes, a PIL image, an RGB
array or a (3, H, W) tensor for an image model; the sentence itself for a text model."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch

from model_zoo import Classifier

ImageLike = str | Path | bytes | np.ndarray | torch.Tensor | Any  # Any: a PIL image


def image_tensor(data: ImageLike) -> torch.Tensor:
    """(3, H, W) float in [0, 1]; files and bytes go through the project's safe loader.

    Raises FileNotFoundError for a missing path and ImageDecodeError (a ValueError) for
    bytes that are not an image."""
    from inputs.image_io import load_image, to_tensor

    if isinstance(data, torch.Tensor):
        if data.ndim != 3 or data.shape[0] != 3:
            raise ValueError(f"an image tensor is (3, H, W); got {tuple(data.shape)}")
        return data.float()
    if isinstance(data, (str, Path)):
        path = Path(data)
        if not path.is_file():
            raise FileNotFoundError(f"no such image file: {path}")
        data = path.read_bytes()
    if isinstance(data, bytes):
        return to_tensor(load_image(data).rgb)
    if hasattr(data, "convert"):  # a PIL image
        data = np.asarray(data.convert("RGB"))
    rgb = np.asarray(data)
    if rgb.ndim != 3 or rgb.shape[-1] != 3 or rgb.dtype != np.uint8:
        raise ValueError("an image array is (H, W, 3) uint8")
    return to_tensor(rgb)


def as_model_input(model: Classifier, data: Any) -> torch.Tensor | str:
    """The input ``model`` reads: a tensor for an image model, the sentence for a text one."""
    if model.modality == "text":
        if not isinstance(data, str):
            raise ValueError(f"model {model.name} reads text: pass a sentence")
        if not data.strip():
            raise ValueError("the text is empty")
        return data
    return image_tensor(data)


@dataclass(frozen=True, eq=False)
class ModelInput:
    """A model's (3, H, W) input and its pixel SHA-256, which caches key it by (never a file
    name or a DICOM attribute)."""

    tensor: Any = field(repr=False)
    digest: str = ""

    @classmethod
    def of(cls, tensor: torch.Tensor) -> "ModelInput":
        from inputs.grey import pixel_digest

        return cls(tensor, pixel_digest(tensor))

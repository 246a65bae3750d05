"""Decoding user images into (3, H, W) float tensors in [0, 1], in memory only."""
from __future__ import annotations

import io
import warnings

import numpy as np
import torch
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 20 * 1024 * 1024
MAX_PIXELS = 40_000_000


class ImageDecodeError(ValueError):
    """The bytes are not an image we can read; the message is fit to show a user."""


def decode_image(data: bytes) -> np.ndarray:
    """Bytes -> (H, W, 3) uint8 RGB, EXIF orientation applied. Nothing touches the disk."""
    if not data:
        raise ImageDecodeError("the file is empty")
    if len(data) > MAX_BYTES:
        raise ImageDecodeError(f"the file is larger than {MAX_BYTES // 2**20} MB")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as img:
                if img.width * img.height > MAX_PIXELS:
                    raise ImageDecodeError(f"the image has more than {MAX_PIXELS:,} pixels")
                img = ImageOps.exif_transpose(img)
                return np.asarray(img.convert("RGB"))
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning,
            OSError, SyntaxError, ValueError) as err:
        if isinstance(err, ImageDecodeError):
            raise
        raise ImageDecodeError("the file is not an image that can be read "
                               f"({type(err).__name__})") from None


def to_tensor(rgb: np.ndarray) -> torch.Tensor:
    """(H, W, 3) uint8 -> (3, H, W) float32 in [0, 1]."""
    return torch.from_numpy(np.array(rgb, dtype=np.uint8)).permute(2, 0, 1).float().div(255)

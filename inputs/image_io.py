"""The one safe image loader, used by every page and the command line; memory only.

Order of checks on hostile input: a byte limit before anything is parsed; the format
recognised from the content against an allow-list (``inputs.formats``); the declared
size against our pixel limit, a minimum side and a maximum aspect ratio before any pixel is
decoded (Pillow's decompression-bomb warning counts as an error too); then decoding of the
first frame only, EXIF orientation, and a conversion to 8-bit RGB that rescales 16-bit and
floating-point data and composites transparency onto a fixed background.
"""
from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch
from PIL import Image, ImageOps

from inputs.formats import UnsupportedFormatError, sniff_format
from inputs.pixels import to_rgb8

MAX_BYTES = 20 * 1024 * 1024
MAX_PIXELS = 40_000_000
MIN_SIDE = 16
MAX_ASPECT = 20
WORKING_SIDE = 2048  # larger images are reduced before explaining (memory per session)
ORIENTATION_TAG = 0x0112


class ImageDecodeError(ValueError):
    """The bytes are not an image we can read; the message is fit to show a user."""


@dataclass(frozen=True)
class LoadedImage:
    """Decoded pixels plus what the loader changed on the way, in words for the user."""

    rgb: np.ndarray  # (H, W, 3) uint8, read-only
    format: str
    notes: tuple[str, ...] = ()


def check_bytes(data: bytes) -> None:
    if not data:
        raise ImageDecodeError("the file is empty")
    if len(data) > MAX_BYTES:
        raise ImageDecodeError(f"the file is larger than {MAX_BYTES // 2**20} MB")


def check_size(width: int, height: int) -> None:
    """Refuse sizes that are too many pixels, too small or too elongated to explain."""
    if width * height > MAX_PIXELS:
        raise ImageDecodeError(f"the image is {width}×{height}, more than the limit of "
                               f"{MAX_PIXELS // 1_000_000} megapixels")
    if min(width, height) < MIN_SIDE:
        raise ImageDecodeError(f"the image is {width}×{height}; each side needs at least "
                               f"{MIN_SIDE} pixels")
    if max(width, height) > MAX_ASPECT * min(width, height):
        raise ImageDecodeError(f"the image is {width}×{height}, more elongated than "
                               f"{MAX_ASPECT}:1")


def _open(data: bytes, fmt: str) -> Image.Image:
    if fmt == "HEIF":
        from pillow_heif import register_heif_opener

        register_heif_opener()
    return Image.open(io.BytesIO(data), formats=[fmt])


def _decode(data: bytes, fmt: str) -> tuple[Image.Image, list[str]]:
    """The first frame, oriented, fully loaded; plus notes on frames and rotation."""
    notes = []
    with _open(data, fmt) as img:
        check_size(*img.size)
        frames = getattr(img, "n_frames", 1)
        if frames > 1:
            img.seek(0)
            notes.append(f"the file holds {frames} frames or pages; the first is shown")
        img.load()
        orientation = img.getexif().get(ORIENTATION_TAG, 1)
        oriented = ImageOps.exif_transpose(img)
    if orientation in range(2, 9):
        notes.append("the photo's EXIF orientation was applied")
    check_size(*oriented.size)
    return oriented, notes


def _reduce(img: Image.Image, notes: list[str]) -> Image.Image:
    if max(img.size) <= WORKING_SIDE:
        return img
    scale = WORKING_SIDE / max(img.size)
    size = (max(1, round(img.width * scale)), max(1, round(img.height * scale)))
    notes.append(f"the {img.width}×{img.height} image was reduced to {size[0]}×{size[1]}")
    return img.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)


ContentReader = tuple[Callable[[bytes], bool], Callable[[bytes], "LoadedImage"]]
_READERS: list[ContentReader] = []  # formats read outside Pillow, recognised by content


def register_reader(recognises: Callable[[bytes], bool],
                    read: Callable[[bytes], "LoadedImage"]) -> None:
    """Let ``read`` load the bytes ``recognises`` accepts (``inputs.grey`` adds DICOM)."""
    _READERS.append((recognises, read))


def load_image(data: bytes) -> LoadedImage:
    """Bytes -> 8-bit RGB plus notes, or ``ImageDecodeError`` with a message for the user.

    A format registered with ``register_reader`` (DICOM, by its ``DICM`` marker) is read by
    its own reader; everything else by Pillow's allow-listed plugins."""
    for recognises, read in _READERS:
        if recognises(data):
            return read(data)
    check_bytes(data)
    try:
        fmt = sniff_format(data)
    except UnsupportedFormatError as err:
        raise ImageDecodeError(str(err)) from None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. "Corrupt EXIF data": the CLI prints one line
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img, notes = _decode(data, fmt)
            rgb = to_rgb8(_reduce(img, notes), notes)
    except ImageDecodeError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageDecodeError(f"the image declares more than the limit of "
                               f"{MAX_PIXELS // 1_000_000} megapixels") from None
    except Exception:  # noqa: BLE001  (hostile bytes reach deep into the decoders)
        raise ImageDecodeError(f"the file is damaged or not a readable {fmt} image") from None
    rgb.setflags(write=False)
    return LoadedImage(rgb=rgb, format=fmt, notes=tuple(notes))


def decode_image(data: bytes) -> np.ndarray:
    """Bytes -> (H, W, 3) uint8 RGB (see ``load_image`` for the notes)."""
    return load_image(data).rgb


def to_tensor(rgb: np.ndarray) -> torch.Tensor:
    """(H, W, 3) uint8 -> (3, H, W) float32 in [0, 1]."""
    return torch.from_numpy(np.array(rgb, dtype=np.uint8)).permute(2, 0, 1).float().div(255)

"""A greyscale case for the clinical view: modality values plus the two windows kept apart.

The *model's* input is fixed by the file: its default VOI (first preset, else full range),
MONOCHROME1 inverted, as grey in [0, 1] on three equal channels; the model's own
normalisation follows inside the model. It is digested (SHA-256 of those pixels) and every
cached result is keyed by that digest, never by a file name or an attribute of the file.
The *viewing* window only changes how the image and the overlay are drawn.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn.functional as F

from inputs.dicom import DicomImage, read_dicom
from inputs.image_io import LoadedImage, load_image, register_reader
from inputs.windowing import Window, VoiLut, render, to_uint8

WORKING_SIDE = 640  # maps are computed at the model's size; the view needs no more


@dataclass(frozen=True, eq=False)
class GreyCase:
    """(H, W) values in modality units at working size, and how to show and model them."""

    values: np.ndarray = field(repr=False)
    photometric: str
    presets: tuple[Window | VoiLut, ...]
    model_voi: Window | VoiLut
    technical: tuple[tuple[str, str], ...] = ()
    burned_in: bool = False
    notes: tuple[str, ...] = ()
    frames: int = 1

    def model_grey(self) -> np.ndarray:
        return render(self.values, self.model_voi, self.photometric)

    def view(self, voi: Window | VoiLut) -> np.ndarray:
        """(H, W, 3) uint8 drawn through the viewing window ``voi``."""
        grey = to_uint8(render(self.values, voi, self.photometric))
        return np.repeat(grey[..., None], 3, axis=-1)


def shrink(values: np.ndarray, side: int = WORKING_SIDE) -> np.ndarray:
    """Area-average a large (H, W) array down to at most ``side`` px on its long side."""
    scale = side / max(values.shape)
    if scale >= 1:
        return values.astype(np.float32)
    size = (max(1, round(values.shape[0] * scale)), max(1, round(values.shape[1] * scale)))
    x = torch.from_numpy(values.astype(np.float32))[None, None]
    return F.interpolate(x, size=size, mode="area")[0, 0].numpy()


def dicom_case(image: DicomImage, frame: int = 0) -> GreyCase:
    if not 0 <= frame < len(image.frames):
        raise ValueError(f"frame {frame} is outside 0..{len(image.frames) - 1}")
    values = image.values(frame)
    notes = list(image.notes)
    if max(values.shape) > WORKING_SIDE:
        notes.append(f"worked on at most {WORKING_SIDE} px on the long side")
    return GreyCase(shrink(values), image.photometric, image.presets, image.default_voi(frame),
                    image.technical, image.burned_in, tuple(notes), len(image.frames))


def picture_case(data: bytes) -> GreyCase:
    """A PNG/JPEG/... as grey values 0..255 (ITU-R 601 luma), with an 8-bit full window."""
    loaded = load_image(data)
    luma = loaded.rgb.astype(np.float32) @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
    full = Window("8-bit full range", 128, 256)
    return GreyCase(shrink(luma), "MONOCHROME2", (full,), full,
                    (("Format", loaded.format),), False, loaded.notes)


def model_tensor(case: GreyCase) -> torch.Tensor:
    """(3, H, W) float32 in [0, 1]: the model's input, independent of the viewing window."""
    grey = torch.from_numpy(np.ascontiguousarray(case.model_grey(), dtype=np.float32))
    return grey[None].expand(3, -1, -1).contiguous()


def pixel_digest(tensor: torch.Tensor) -> str:
    """SHA-256 of the model input's pixels: the only key results are cached by."""
    return hashlib.sha256(tensor.numpy().tobytes()).hexdigest()


def dicom_as_loaded_image(data: bytes, frame: int = 0) -> LoadedImage:
    """A DICOM for the other pages and the CLI: its model input as 8-bit RGB."""
    case = dicom_case(read_dicom(data), frame)
    rgb = np.repeat(to_uint8(case.model_grey())[..., None], 3, axis=-1)
    rgb.setflags(write=False)
    return LoadedImage(rgb=rgb, format="DICOM", notes=case.notes)


def is_dicom(data: bytes) -> bool:
    """The DICOM file marker after the 128-byte preamble."""
    return data[128:132] == b"DICM"


register_reader(is_dicom, dicom_as_loaded_image)

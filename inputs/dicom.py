"""Reading a greyscale DICOM from bytes in memory, keeping only what is safe to show.

pydicom parses the file; compressed transfer syntaxes decode through its pixel-data plugins
(pylibjpeg with -libjpeg, -openjpeg, -rle; Pillow). Limits are checked on the declared
size before any pixel is decoded. What leaves this module is a ``DicomImage``: the stored
pixel values, the rescale and VOI facts, and an allow-list of technical attributes. Patient
and study identifiers (PS3.15 Annex E basic profile: names, IDs, dates, accession numbers,
institution, physicians, UIDs) are never copied out of the parsed data set, which is dropped
here; pydicom's own log and validation warnings are silenced because they quote values.
"""
from __future__ import annotations

import io
import logging
import warnings
from dataclasses import dataclass

import numpy as np
import pydicom
from pydicom.errors import InvalidDicomError

from inputs.dicom_tags import technical_attributes, voi_presets
from inputs.image_io import ImageDecodeError, check_size
from inputs.windowing import Window, VoiLut, full_range, modality_lut

MAX_DICOM_BYTES = 128 * 2 ** 20
MAX_FRAMES = 100
MAX_TOTAL_PIXELS = 64_000_000
GREYSCALE = ("MONOCHROME1", "MONOCHROME2")

pydicom.config.settings.reading_validation_mode = pydicom.config.IGNORE
logging.getLogger("pydicom").setLevel(logging.CRITICAL + 1)  # its messages quote values


class DicomError(ImageDecodeError):
    """The DICOM cannot be shown; the message is fit for a user and names no value of it."""


def is_dicom(data: bytes) -> bool:
    """DICOM Part 10 by content: a 128-byte preamble, then ``DICM``."""
    return data[128:132] == b"DICM"


@dataclass(frozen=True, eq=False)
class DicomImage:
    """Stored pixel values (F, R, C) and the facts the pixel pipeline needs; no identifiers."""

    frames: np.ndarray
    slope: float
    intercept: float
    photometric: str
    presets: tuple[Window | VoiLut, ...]
    technical: tuple[tuple[str, str], ...]
    burned_in: bool
    notes: tuple[str, ...] = ()

    def values(self, frame: int = 0) -> np.ndarray:
        """One frame in modality units (modality LUT applied)."""
        return modality_lut(self.frames[frame], self.slope, self.intercept)

    def default_voi(self, frame: int = 0) -> Window | VoiLut:
        """The file's first VOI preset, else the frame's full range."""
        return self.presets[0] if self.presets else full_range(self.values(frame))


def _parse(data: bytes) -> pydicom.Dataset:
    try:
        return pydicom.dcmread(io.BytesIO(data))
    except InvalidDicomError:
        raise DicomError("the file is not a readable DICOM file") from None
    except Exception:  # noqa: BLE001  (hostile bytes)
        raise DicomError("the DICOM file is damaged or truncated") from None


def _check_pixels(ds: pydicom.Dataset) -> int:
    """Refuse what we cannot show before decoding; the number of frames."""
    if "PixelData" not in ds:
        raise DicomError("the DICOM file holds no image (no pixel data)")
    photometric = str(ds.get("PhotometricInterpretation", ""))
    if photometric not in GREYSCALE or int(ds.get("SamplesPerPixel", 1)) != 1:
        raise DicomError(f"this is a colour DICOM ({photometric or 'unknown'}, e.g. ultrasound "
                         "or a photo); the clinical view reads greyscale images only")
    syntax = ds.file_meta.get("TransferSyntaxUID")
    try:
        if syntax is None or not pydicom.pixels.get_decoder(syntax).is_available:
            raise NotImplementedError
    except NotImplementedError:
        name = getattr(syntax, "name", None) or "unknown"
        raise DicomError(f"the pixel data is encoded as “{name}”, which is not supported "
                         "here") from None
    frames = int(ds.get("NumberOfFrames", 1) or 1)
    rows, cols = int(ds.get("Rows", 0)), int(ds.get("Columns", 0))
    if frames > MAX_FRAMES:
        raise DicomError(f"the file holds {frames} frames, more than the limit of {MAX_FRAMES}")
    check_size(cols, rows)
    if frames * rows * cols > MAX_TOTAL_PIXELS:
        raise DicomError(f"the file holds {frames} frames of {cols}×{rows}, more than the "
                         f"limit of {MAX_TOTAL_PIXELS // 1_000_000} megapixels in all")
    return frames


def _decode(ds: pydicom.Dataset, frames: int) -> np.ndarray:
    try:
        pixels = ds.pixel_array
    except Exception:  # noqa: BLE001  (plugins raise many kinds)
        raise DicomError("the DICOM pixel data is damaged or truncated") from None
    pixels = pixels.reshape(frames, *pixels.shape[-2:])
    pixels.setflags(write=False)
    return pixels


def read_dicom(data: bytes) -> DicomImage:
    """Bytes -> ``DicomImage``, or ``DicomError`` with a message for the user."""
    if len(data) > MAX_DICOM_BYTES:
        raise DicomError(f"the DICOM file is larger than {MAX_DICOM_BYTES // 2 ** 20} MB")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pydicom's warnings may quote element values
        ds = _parse(data)
        frames = _check_pixels(ds)
        pixels = _decode(ds, frames)
        slope = float(ds.get("RescaleSlope", 1) or 1)
        intercept = float(ds.get("RescaleIntercept", 0) or 0)
        notes = [f"{frames} frames: pick one below"] if frames > 1 else []
        return DicomImage(pixels, slope, intercept, str(ds.PhotometricInterpretation),
                          voi_presets(ds), technical_attributes(ds, frames),
                          str(ds.get("BurnedInAnnotation", "")).upper() == "YES", tuple(notes))

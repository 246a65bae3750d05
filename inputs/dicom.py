"""Reading a DICOM from bytes in memory as grey, keeping only what is safe to show.

pydicom parses the file; compressed transfer syntaxes decode through its pixel-data plugins
(pylibjpeg with -libjpeg, -openjpeg, -rle; Pillow). Limits are checked on the declared
size before any pixel is decoded. What leaves this module is a ``DicomImage``: the stored
pixel values, the rescale and VOI facts, and an allow-list of technical attributes. Patient
and study identifiers (PS3.15 Annex E basic profile: names, IDs, dates, accession numbers,
institution, physicians, UIDs) are never copied out of the parsed data set, which is dropped
here; pydicom's own log and validation warnings are silenced because they quote values.
Colour files (RGB, YBR as pydicom decodes them to RGB, palette colour through its lookup
table) are turned into grey by ITU-R 601 luma, as uploaded pictures are, with a note saying
so: the clinical models and the windowing read one value per pixel.
"""
from __future__ import annotations

import io
import logging
import warnings
from dataclasses import dataclass

import numpy as np
import pydicom
from pydicom.errors import InvalidDicomError
from pydicom.pixels import apply_color_lut

from inputs.dicom_tags import technical_attributes, voi_presets
from inputs.image_io import ImageDecodeError, check_size
from inputs.windowing import Window, VoiLut, full_range, modality_lut

MAX_DICOM_BYTES = 128 * 2 ** 20
MAX_FRAMES = 100
MAX_TOTAL_PIXELS = 64_000_000
GREYSCALE = ("MONOCHROME1", "MONOCHROME2")
COLOUR = ("RGB", "YBR_FULL", "YBR_FULL_422", "YBR_ICT", "YBR_RCT", "PALETTE COLOR")
LUMA = np.array([0.299, 0.587, 0.114], dtype=np.float32)  # ITU-R BT.601, as for pictures

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
    samples = int(ds.get("SamplesPerPixel", 1) or 1)
    if not ((photometric in GREYSCALE and samples == 1) or (photometric in COLOUR and samples
                                                            == (1 if "PALETTE" in photometric
                                                                else 3))):
        raise DicomError(f"the photometric interpretation “{photometric or 'unknown'}” with "
                         f"{samples} samples per pixel is not one this reader knows")
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


def _decode(ds: pydicom.Dataset, frames: int, colour: bool) -> tuple[np.ndarray, int]:
    """(F, R, C) stored values, or a colour file's luma of its RGB (YBR decoded to RGB,
    palette colour through its table), and the bits per RGB value (BitsStored for grey)."""
    bits = int(ds.get("BitsStored", 8) or 8)
    try:
        pixels = ds.pixel_array
        if colour and "PALETTE" in str(ds.PhotometricInterpretation):
            pixels = apply_color_lut(pixels, ds)  # its table's depth, often 16 bit
            bits = 8 * pixels.dtype.itemsize
    except Exception:  # noqa: BLE001  (plugins raise many kinds)
        raise DicomError("the DICOM pixel data is damaged or truncated") from None
    if colour:
        pixels = pixels.reshape(frames, *pixels.shape[-3:]).astype(np.float32) @ LUMA
    pixels = pixels.reshape(frames, *pixels.shape[-2:])
    pixels.setflags(write=False)
    return pixels, bits


def _colour_facts(ds: pydicom.Dataset, bits: int) -> tuple[tuple[Window, ...], str]:
    """The full window of the colour values' bit depth, and the note the page shows."""
    full = Window(f"{bits}-bit full range", 2 ** bits / 2, 2 ** bits)
    photometric = str(ds.PhotometricInterpretation)
    return (full,), (f"a colour DICOM ({photometric}) shown and explained as grey "
                     "(ITU-R 601 luma), as the clinical models read one value per pixel")


def read_dicom(data: bytes) -> DicomImage:
    """Bytes -> ``DicomImage``, or ``DicomError`` with a message for the user."""
    if len(data) > MAX_DICOM_BYTES:
        raise DicomError(f"the DICOM file is larger than {MAX_DICOM_BYTES // 2 ** 20} MB")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pydicom's warnings may quote element values
        ds = _parse(data)
        frames = _check_pixels(ds)
        colour = str(ds.PhotometricInterpretation) in COLOUR
        pixels, bits = _decode(ds, frames, colour)
        slope = float(ds.get("RescaleSlope", 1) or 1)
        intercept = float(ds.get("RescaleIntercept", 0) or 0)
        notes = [f"{frames} frames: pick one below"] if frames > 1 else []
        photometric, presets = str(ds.PhotometricInterpretation), voi_presets(ds)
        if colour:  # grey from here on; no modality LUT or VOI applies to colour values
            presets, note = _colour_facts(ds, bits)
            slope, intercept, photometric = 1.0, 0.0, "MONOCHROME2"
            notes.append(note)
        return DicomImage(pixels, slope, intercept, photometric, presets,
                          technical_attributes(ds, frames),
                          str(ds.get("BurnedInAnnotation", "")).upper() == "YES", tuple(notes))

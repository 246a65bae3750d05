"""Writing a greyscale DICOM in memory: the bundled phantom sample, and test files.

The phantom sample carries no patient or study data beyond what the standard requires
(empty patient name and ID, generated UIDs).
"""
from __future__ import annotations

import io

import numpy as np
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

DX_STORAGE = "1.2.840.10008.5.1.4.1.1.1.1"  # Digital X-Ray Image Storage - For Presentation


def grey_dataset(stored: np.ndarray, bits: int = 12, signed: bool = False,
                 photometric: str = "MONOCHROME2", **attributes) -> Dataset:
    """A data set holding ``stored`` (R, C) or (F, R, C) values; ``attributes`` by keyword."""
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = DX_STORAGE
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = Dataset()
    ds.file_meta = meta
    ds.SOPClassUID, ds.SOPInstanceUID = DX_STORAGE, meta.MediaStorageSOPInstanceUID
    ds.PatientName, ds.PatientID, ds.Modality = "", "", "DX"
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, photometric
    ds.Rows, ds.Columns = stored.shape[-2:]
    if stored.ndim == 3:
        ds.NumberOfFrames = stored.shape[0]
    ds.BitsAllocated = 8 if bits <= 8 else 16
    ds.BitsStored, ds.HighBit, ds.PixelRepresentation = bits, bits - 1, int(signed)
    dtype = {(8, False): np.uint8, (8, True): np.int8, (16, False): np.uint16,
             (16, True): np.int16}[ds.BitsAllocated, signed]
    ds.PixelData = np.ascontiguousarray(stored, dtype=dtype).tobytes()
    for keyword, value in attributes.items():
        setattr(ds, keyword, value)
    return ds


def to_bytes(ds: Dataset) -> bytes:
    buffer = io.BytesIO()
    ds.save_as(buffer, enforce_file_format=True)
    return buffer.getvalue()


def phantom_dicom(seed: int, index: int, bits: int = 12) -> bytes:
    """A phantom case as a DX DICOM (MONOCHROME2, ``bits`` stored, a soft-tissue window)."""
    from inputs.phantoms import phantom_case

    case = phantom_case(seed, index)
    top = 2 ** bits - 1
    stored = np.round(case.image * top).astype(np.int64)
    ds = grey_dataset(stored, bits, BodyPartExamined="CHEST", PixelSpacing=[0.5, 0.5],
                      WindowCenter=[(top + 1) / 2, top * 0.4], WindowWidth=[top + 1, top * 0.5],
                      WindowCenterWidthExplanation=["FULL", "LUNG"], BurnedInAnnotation="NO")
    return to_bytes(ds)
